"""What the sandbox remembers: accounts, tokens, posts, media, idempotency keys.

One SQLite connection (``:memory:`` by default, a file with ``--db``) behind one lock, so
the threaded server never sees half a write and demo posts can survive a restart. API
modules take ``store.lock`` around check-then-write sequences (idempotency, duplicates).
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    network TEXT NOT NULL, handle TEXT NOT NULL, user_id TEXT NOT NULL,
    display_name TEXT NOT NULL, options TEXT NOT NULL DEFAULT '{}',
    revoked INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
    PRIMARY KEY (network, handle)
);
CREATE TABLE IF NOT EXISTS tokens (
    network TEXT NOT NULL, token TEXT NOT NULL, handle TEXT NOT NULL, kind TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active', expires_at REAL, client_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (network, token)
);
CREATE TABLE IF NOT EXISTS posts (
    network TEXT NOT NULL, id TEXT NOT NULL, handle TEXT NOT NULL, text TEXT NOT NULL,
    url TEXT NOT NULL, language TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (network, id)
);
-- An account's posts (counts in every Mastodon account entity): without it, a scan per status.
CREATE INDEX IF NOT EXISTS posts_by_account ON posts (network, handle);
CREATE TABLE IF NOT EXISTS media (
    network TEXT NOT NULL, id TEXT NOT NULL, handle TEXT NOT NULL, mime_type TEXT NOT NULL,
    alt_text TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL, content BLOB NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, PRIMARY KEY (network, id)
);
CREATE TABLE IF NOT EXISTS idempotency (
    network TEXT NOT NULL, handle TEXT NOT NULL, key TEXT NOT NULL, post_id TEXT NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (network, handle, key)
);
"""

NETWORKS = (
    "mastodon",
    "x",
    "bluesky",
    "facebook",
    "instagram",
    "threads",
    "linkedin",
    "tiktok",
    "youtube",
)
_X_EPOCH_MS = 1288834974657
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_MEDIA_COLUMNS = "id, handle, mime_type, alt_text, size, meta, created_at"


class AuthFailure(Exception):
    """A token that is unknown (``invalid``), ``revoked`` or ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def now_iso() -> str:
    """Mastodon-style timestamp: UTC with milliseconds and a Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def did_for(handle: str) -> str:
    """A stable did:plc-shaped identifier for a sandbox Bluesky handle."""
    digest = hashlib.sha256(handle.encode()).digest()
    return "did:plc:" + "".join(_TID_ALPHABET[b % 32] for b in digest[:24])


def image_dimensions(content: bytes) -> tuple[int, int] | None:
    """Width and height of an image, if Pillow can read it."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            return image.size
    except Exception:  # not an image, or a format Pillow does not know
        return None


class Store:
    """Thread-safe storage; see the module docstring."""

    def __init__(self, db_path: str | Path | None = None) -> None:
        if db_path:
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self._db = sqlite3.connect(str(db_path or ":memory:"), check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        if db_path:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._last_id: dict[str, int] = {}

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def reset(self) -> None:
        with self.lock, self._db:
            for table in ("accounts", "tokens", "posts", "media", "idempotency"):
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self._db.execute(sql, args).fetchall()

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        with self.lock, self._db:
            return self._db.execute(sql, args).rowcount

    def next_id(self, network: str) -> str:
        """A new id shaped like the network's: snowflakes for Mastodon and X, TIDs for Bluesky."""
        with self.lock:
            micros = time.time_ns() // 1000
            if network == "mastodon":
                raw = (micros // 1000) << 16
            elif network == "x":
                raw = ((micros // 1000) - _X_EPOCH_MS) << 22
            else:
                raw = micros << 10
            raw = max(raw, self._last_id.get(network, 0) + 1)
            self._last_id[network] = raw
        if network == "bluesky":
            return "".join(_TID_ALPHABET[(raw >> (5 * i)) & 31] for i in reversed(range(13)))
        return str(raw)

    # --- accounts and tokens -----------------------------------------------------------------

    def add_account(
        self,
        network: str,
        handle: str,
        token: str,
        *,
        user_id: str | None = None,
        display_name: str | None = None,
        refresh_token: str | None = None,
        client_id: str = "",
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create (or replace) an account; ``token`` is its access token (Bluesky: app password)."""
        if network not in NETWORKS:
            raise ValueError(f"Unknown sandbox network {network!r}; known: {', '.join(NETWORKS)}")
        handle = handle.lstrip("@")
        if not user_id:
            user_id = did_for(handle) if network == "bluesky" else self.next_id(network)
        row = (network, handle, user_id, display_name or handle, json.dumps(options or {}))
        with self.lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?, ?, 0, ?)", (*row, now_iso())
            )
            self._db.execute(
                "DELETE FROM tokens WHERE network = ? AND handle = ?", (network, handle)
            )
        self.store_token(
            network,
            handle,
            token,
            "password" if network == "bluesky" else "access",
            None,
            client_id,
        )
        if refresh_token:
            self.store_token(network, handle, refresh_token, "refresh", None, client_id)
        return self.account(network, handle) or {}

    def account(self, network: str, handle: str) -> dict[str, Any] | None:
        rows = self._query(
            "SELECT * FROM accounts WHERE network = ? AND handle = ?", (network, handle.lstrip("@"))
        )
        return _account(rows[0]) if rows else None

    def account_by_id(self, network: str, user_id: str) -> dict[str, Any] | None:
        rows = self._query(
            "SELECT * FROM accounts WHERE network = ? AND user_id = ?", (network, user_id)
        )
        return _account(rows[0]) if rows else None

    def accounts(self, network: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM accounts WHERE (? IS NULL OR network = ?) ORDER BY network, handle"
        return [_account(row) for row in self._query(sql, (network, network))]

    def issue_token(
        self, network: str, handle: str, kind: str, ttl: float | None, client_id: str = ""
    ) -> str:
        token = f"{network}-{kind}-{secrets.token_urlsafe(24)}"
        self.store_token(network, handle, token, kind, ttl, client_id)
        return token

    def store_token(
        self,
        network: str,
        handle: str,
        token: str,
        kind: str,
        ttl: float | None,
        client_id: str = "",
    ) -> None:
        expires = time.time() + ttl if ttl else None
        sql = "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, 'active', ?, ?)"
        self._write(sql, (network, token, handle, kind, expires, client_id))

    def authenticate(self, network: str, token: str | None, kind: str = "access") -> dict[str, Any]:
        """The account a token belongs to, or ``AuthFailure`` saying why not."""
        rows = self._query(
            "SELECT * FROM tokens WHERE network = ? AND token = ?", (network, token or "")
        )
        if not rows or rows[0]["kind"] != kind:
            raise AuthFailure("invalid")
        row = rows[0]
        account = self.account(network, row["handle"])
        if account is None:
            raise AuthFailure("invalid")
        if account["revoked"] or row["state"] == "revoked":
            raise AuthFailure("revoked")
        if row["state"] == "expired" or (row["expires_at"] and row["expires_at"] < time.time()):
            raise AuthFailure("expired")
        return {**account, "client_id": row["client_id"]}

    def retire_token(self, network: str, token: str) -> None:
        """Mark one token as used up (a rotated refresh token)."""
        self._write(
            "UPDATE tokens SET state = 'revoked' WHERE network = ? AND token = ?", (network, token)
        )

    def revoke(self, token: str) -> int:
        """Revoke the account(s) this token belongs to: every token of theirs stops working."""
        rows = self._query("SELECT network, handle FROM tokens WHERE token = ?", (token,))
        for row in rows:
            sql = "UPDATE accounts SET revoked = 1 WHERE network = ? AND handle = ?"
            self._write(sql, (row["network"], row["handle"]))
        return len(rows)

    def expire(self, token: str) -> int:
        """Let one access token expire (a refresh token, if any, still works)."""
        return self._write("UPDATE tokens SET state = 'expired' WHERE token = ?", (token,))

    # --- posts -------------------------------------------------------------------------------

    def add_post(
        self,
        network: str,
        handle: str,
        post_id: str,
        text: str,
        url: str,
        data: dict[str, Any],
        language: str = "",
    ) -> dict[str, Any]:
        created = data.get("created_at") or now_iso()
        row = (network, post_id, handle, text, url, language, created, json.dumps(data))
        self._write("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        return self.post(network, post_id) or {}

    def post(self, network: str, post_id: str) -> dict[str, Any] | None:
        sql = "SELECT rowid AS seq, * FROM posts WHERE network = ? AND id = ?"
        rows = self._query(sql, (network, post_id))
        return self._post(rows[0]) if rows else None

    def update_post_data(self, network: str, post_id: str, **changes: Any) -> bool:
        """Merge ``changes`` into a post's stored data (e.g. X's ``hidden``)."""
        with self.lock:
            found = self.post(network, post_id)
            if found is None:
                return False
            data = {**found["data"], **changes}
            sql = "UPDATE posts SET data = ? WHERE network = ? AND id = ?"
            return self._write(sql, (json.dumps(data), network, post_id)) > 0

    def delete_post(self, network: str, post_id: str) -> bool:
        return self._write("DELETE FROM posts WHERE network = ? AND id = ?", (network, post_id)) > 0

    def posts(
        self, network: str | None = None, account: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Posts, newest first, each with its media (id, type, alt text, size)."""
        handle = account.lstrip("@") if account else None
        sql = (
            "SELECT rowid AS seq, * FROM posts WHERE (? IS NULL OR network = ?)"
            " AND (? IS NULL OR handle = ?) ORDER BY rowid DESC LIMIT ?"
        )
        rows = self._query(sql, (network, network, handle, handle, limit or -1))
        return [self._post(row) for row in rows]

    def post_texts(self, network: str, handle: str) -> list[str]:
        """The texts of an account's posts (cheaper than ``posts`` for duplicate checks)."""
        sql = "SELECT text FROM posts WHERE network = ? AND handle = ?"
        return [row["text"] for row in self._query(sql, (network, handle))]

    def post_stats(self, network: str, handle: str) -> tuple[int, str | None]:
        """How many posts an account has, and when the newest was made."""
        sql = "SELECT COUNT(*), MAX(created_at) FROM posts WHERE network = ? AND handle = ?"
        count, newest = self._query(sql, (network, handle))[0]
        return count, newest

    def _post(self, row: sqlite3.Row) -> dict[str, Any]:
        data = json.loads(row["data"])
        media = [
            self.media_info(row["network"], media_id) for media_id in data.get("media_ids", [])
        ]
        return {
            "network": row["network"],
            "account": row["handle"],
            "id": row["id"],
            "text": row["text"],
            "url": row["url"],
            "language": row["language"],
            "created_at": row["created_at"],
            "seq": row["seq"],
            "media": [m for m in media if m],
            "data": data,
        }

    # --- media -------------------------------------------------------------------------------

    def add_media(
        self,
        network: str,
        handle: str,
        media_id: str,
        mime_type: str,
        content: bytes,
        alt_text: str = "",
        meta: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        row = (network, media_id, handle, mime_type, alt_text, len(content), content)
        self._write(
            "INSERT INTO media VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row, json.dumps(meta or {}), now_iso()),
        )
        return self.media_info(network, media_id) or {}

    def media_info(self, network: str, media_id: str) -> dict[str, Any] | None:
        sql = f"SELECT {_MEDIA_COLUMNS} FROM media WHERE network = ? AND id = ?"  # noqa: S608 - constant
        rows = self._query(sql, (network, media_id))
        if not rows:
            return None
        info = dict(rows[0])
        info["account"] = info.pop("handle")
        info["meta"] = json.loads(info["meta"])
        return info

    def media_content(self, network: str, media_id: str) -> tuple[str, bytes] | None:
        sql = "SELECT mime_type, content FROM media WHERE network = ? AND id = ?"
        rows = self._query(sql, (network, media_id))
        return (rows[0]["mime_type"], bytes(rows[0]["content"])) if rows else None

    def update_media(
        self,
        network: str,
        media_id: str,
        *,
        alt_text: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        if alt_text is not None:
            sql = "UPDATE media SET alt_text = ? WHERE network = ? AND id = ?"
            self._write(sql, (alt_text, network, media_id))
        if meta is not None:
            sql = "UPDATE media SET meta = ? WHERE network = ? AND id = ?"
            self._write(sql, (json.dumps(meta), network, media_id))

    # --- idempotency -------------------------------------------------------------------------

    def idempotent_post_id(self, network: str, handle: str, key: str, max_age: float) -> str | None:
        sql = "SELECT post_id FROM idempotency WHERE network = ? AND handle = ? AND key = ? AND created > ?"
        rows = self._query(sql, (network, handle, key, time.time() - max_age))
        return rows[0]["post_id"] if rows else None

    def remember_idempotency(self, network: str, handle: str, key: str, post_id: str) -> None:
        sql = "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?)"
        self._write(sql, (network, handle, key, post_id, time.time()))


def _account(row: sqlite3.Row) -> dict[str, Any]:
    account = dict(row)
    account["options"] = json.loads(account["options"])
    account["revoked"] = bool(account["revoked"])
    return account
