"""Plain request/response objects and a tiny router for the sandbox's API modules."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from carecast.sandbox.server import SandboxServer


@dataclass
class Upload:
    """One file from a multipart body."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Response:
    """``body``: dict/list → JSON, str → HTML, bytes → as is (set ``content_type``)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.content_type or "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), self.content_type or "text/html; charset=utf-8"
        if self.body is None:
            return b"", self.content_type or "text/plain"
        payload = json.dumps(self.body, ensure_ascii=False).encode()
        return payload, self.content_type or "application/json; charset=utf-8"


class HTTPError(Exception):
    """Raised by a handler to answer with ``response`` (an error in the network's format)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    server: SandboxServer
    fault: dict[str, Any] | None = None
    _parsed: tuple[Any, dict[str, list[str]], dict[str, list[Upload]]] | None = None

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def store(self):  # noqa: ANN201 - avoids an import cycle
        return self.server.store

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("Authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def _parse(self) -> tuple[Any, dict[str, list[str]], dict[str, list[Upload]]]:
        if self._parsed is None:
            data: Any = None
            form: dict[str, list[str]] = {}
            files: dict[str, list[Upload]] = {}
            if self.content_type == "application/json" and self.body:
                try:
                    data = json.loads(self.body)
                except ValueError:
                    data = INVALID_JSON
            elif self.content_type == "application/x-www-form-urlencoded":
                form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            elif self.content_type == "multipart/form-data":
                form, files = parse_multipart(self.body, self.headers.get("Content-Type") or "")
            self._parsed = (data, form, files)
        return self._parsed

    @property
    def json(self) -> Any:
        """The JSON body, ``None`` if there is none, ``INVALID_JSON`` if it does not parse."""
        return self._parse()[0]

    @property
    def form(self) -> dict[str, list[str]]:
        return self._parse()[1]

    @property
    def files(self) -> dict[str, list[Upload]]:
        return self._parse()[2]

    def param(self, name: str, default: Any = None) -> Any:
        """A parameter from a JSON body, a form body, or the query string, in that order."""
        data = self.json
        if isinstance(data, dict) and name in data:
            return data[name]
        for source in (self.form, self.query):
            if name in source:
                return source[name][0]
        return default

    def param_list(self, name: str) -> list[Any]:
        """A list parameter: JSON ``name: [...]``, form ``name[]=..`` (Rails style) or repeated ``name``."""
        data = self.json
        if isinstance(data, dict) and isinstance(data.get(name), list):
            return data[name]
        for source in (self.form, self.query):
            if f"{name}[]" in source:
                return source[f"{name}[]"]
            if name in source:
                return source[name]
        return []

    def summary(self) -> dict[str, Any]:
        """What the request log keeps: enough to assert on what a client sent."""
        data = self.json
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "json": None if data is INVALID_JSON else data,
            "form": self.form,
            "files": {
                name: [
                    {"filename": u.filename, "content_type": u.content_type, "size": len(u.data)}
                    for u in uploads
                ]
                for name, uploads in self.files.items()
            },
            "body_size": len(self.body),
        }


class _InvalidJSON:
    def __repr__(self) -> str:
        return "INVALID_JSON"


INVALID_JSON: Any = _InvalidJSON()


def parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, list[str]], dict[str, list[Upload]]]:
    """Split a multipart/form-data body into fields and files (binary-safe, no cgi module)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    form: dict[str, list[str]] = {}
    files: dict[str, list[Upload]] = {}
    if not match:
        return form, files
    delimiter = b"--" + match.group(1).encode()
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = _part_headers(head.decode("utf-8", "replace"))
        disposition = headers.get("content-disposition", "")
        name = _header_param(disposition, "name")
        filename = _header_param(disposition, "filename")
        if name is None:
            continue
        if filename is not None:
            upload = Upload(
                filename, headers.get("content-type", "application/octet-stream"), content
            )
            files.setdefault(name, []).append(upload)
        else:
            form.setdefault(name, []).append(content.decode("utf-8", "replace"))
    return form, files


def _part_headers(head: str) -> dict[str, str]:
    headers = {}
    for line in head.split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers


def _header_param(value: str, name: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{name}="([^"]*)"', value) or re.search(
        rf"(?:^|;)\s*{name}=([^;]*)", value
    )
    return match.group(1) if match else None


Handler = Callable[..., Response]


class Router:
    """Routes ``(method, pattern)`` to handlers; ``<name>`` in a pattern is one path segment."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        regex = re.compile("^" + re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", pattern) + "$")

        def register(handler: Handler) -> Handler:
            self.routes.append((method, regex, handler))
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Handler | None, dict[str, str], bool]:
        """``(handler, path args, path_known)``; ``path_known`` without handler means 405."""
        path_known = False
        for route_method, regex, handler in self.routes:
            found = regex.match(path)
            if found:
                path_known = True
                if route_method == method:
                    return handler, found.groupdict(), True
        return None, {}, path_known
