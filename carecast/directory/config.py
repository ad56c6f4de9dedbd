"""OpenID Connect settings from the environment (read at each use, so tests can set them)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from carecast.env import env_str


@dataclass(frozen=True)
class DirectoryConfig:
    issuer: str
    client_id: str
    client_secret: str
    groups_claim: str
    name: str

    @property
    def allow_hosts(self) -> tuple[str, ...]:
        """The admin named this issuer: it may be on the hospital's own network."""
        parts = urlsplit(self.issuer)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return (f"{(parts.hostname or '').lower()}:{port}",)


def load() -> DirectoryConfig | None:
    """The directory's settings, or ``None`` when sign-in with the directory is off."""
    issuer = env_str("CARECAST_OIDC_ISSUER").strip().rstrip("/")
    client_id = env_str("CARECAST_OIDC_CLIENT_ID").strip()
    if not issuer or not client_id:
        return None
    return DirectoryConfig(
        issuer=issuer,
        client_id=client_id,
        client_secret=env_str("CARECAST_OIDC_CLIENT_SECRET"),
        groups_claim=env_str("CARECAST_OIDC_GROUPS_CLAIM", "groups").strip() or "groups",
        name=env_str("CARECAST_OIDC_NAME", "Verzeichnis").strip() or "Verzeichnis",
    )
