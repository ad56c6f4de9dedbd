"""Reading what a person typed to name a public profile: ``@name@server``, a profile link, a handle.

Pure functions, no network: ``fetch`` asks the server afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

# Bluesky's own public AppView answers app.bsky.* reads without sign-in.
BLUESKY_PUBLIC_API = "https://public.api.bsky.app"
_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$")
_MASTODON_USER = re.compile(r"^[A-Za-z0-9_]{1,30}$")


class ProfileInputError(ValueError):
    """What was typed names no profile we can read; the message is for the person."""


@dataclass(frozen=True)
class ProfileRef:
    network: str
    handle: str  # Mastodon "user@server", Bluesky "name.bsky.social"
    api_url: str  # where the public API is asked
    account: str  # what that API is asked for (Mastodon: the local user name)


def parse(network: str, text: str, server: str = "") -> ProfileRef:
    """The profile ``text`` names on ``network``; ``server`` overrides where we ask."""
    text = (text or "").strip()
    if not text:
        raise ProfileInputError(_("Enter the profile's address or handle."))
    if network == "mastodon":
        return _mastodon(text, server.strip())
    if network == "bluesky":
        return _bluesky(text, server.strip())
    if network == "instagram":
        return _instagram(text)
    raise ProfileInputError(_("This network cannot be compared yet."))


def _mastodon(text: str, server: str) -> ProfileRef:
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        user = parts.path.strip("/").removeprefix("@").split("/")[0].split("@")[0]
        base = f"{parts.scheme}://{parts.netloc}"
    else:
        user, _sep, host = text.removeprefix("@").partition("@")
        base = f"https://{host}" if host else ""
    base = (server or base).rstrip("/")
    if not _MASTODON_USER.match(user or "") or not base:
        raise ProfileInputError(
            _(
                "Enter a Mastodon profile as @name@server or as its address, e.g. https://mastodon.social/@name."
            )
        )
    host = urlsplit(base).netloc
    return ProfileRef("mastodon", f"{user}@{host}", base, user)


def _bluesky(text: str, server: str) -> ProfileRef:
    handle = text
    if text.startswith(("http://", "https://")):
        path = urlsplit(text).path.strip("/").split("/")
        handle = path[1] if len(path) >= 2 and path[0] == "profile" else ""
    handle = handle.removeprefix("@").strip().lower()
    if not _HANDLE.match(handle) or ("." not in handle and not handle.startswith("did:")):
        raise ProfileInputError(
            _("Enter a Bluesky handle, e.g. klinikum.bsky.social, or its profile address.")
        )
    return ProfileRef("bluesky", handle, (server or BLUESKY_PUBLIC_API).rstrip("/"), handle)


_INSTAGRAM_USER = re.compile(r"^[A-Za-z0-9._]{1,30}$")


def _instagram(text: str) -> ProfileRef:
    """Asked through our own connected Instagram account, so no server of its own."""
    name = urlsplit(text).path.strip("/").split("/")[0] if "://" in text else text
    name = name.removeprefix("@").lower()
    if not _INSTAGRAM_USER.match(name):
        raise ProfileInputError(
            _(
                "Enter an Instagram business account as @name or its address, e.g. https://www.instagram.com/name/."
            )
        )
    return ProfileRef("instagram", name, "", name)
