"""Connecting a Bluesky account on any PDS: handle + app password.

The handle is resolved to its DID as atproto documents it (DNS TXT ``_atproto.<handle>``,
then ``https://<handle>/.well-known/atproto-did``), the DID to its document (the PLC
directory for ``did:plc``, ``/.well-known/did.json`` for ``did:web``), and the document
names the account's PDS. A session created there with the app password proves it.
``CARECAST_BLUESKY_RESOLVER`` names a server whose ``com.atproto.identity.resolveHandle``
is asked instead of DNS (tests, where no DNS can be served on 127.0.0.1).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.lib.http import loopback_if_sandbox, make_client
from carecast.networks.connect.base import (
    ConnectedAccount,
    ConnectError,
    FormField,
    FormFlow,
    check_server,
)

APP_PASSWORDS_HELP = "https://bsky.app/settings/app-passwords"
_HANDLE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
_DID = re.compile(r"^did:(plc|web):[a-zA-Z0-9._:%-]+$")


class BlueskyFlow(FormFlow):
    network = "bluesky"

    def fields(self) -> list[FormField]:
        return [
            FormField("handle", gettext_lazy("Handle"), gettext_lazy("e.g. klinikum.bsky.social")),
            FormField(
                "app_password",
                gettext_lazy("App password"),
                gettext_lazy(
                    "Not your account password: create an app password for carecast in "
                    "Bluesky's settings (Privacy and security → App passwords)."
                ),
                input_type="password",
                help_link=APP_PASSWORDS_HELP,
            ),
        ]

    def connect(self, data: dict[str, str]) -> ConnectedAccount:
        handle = data.get("handle", "").strip().lstrip("@").lower()
        password = data.get("app_password", "").strip()
        if not _HANDLE.match(handle):
            raise ConnectError(_("“%(handle)s” is not a Bluesky handle.") % {"handle": handle})
        if not password:
            raise ConnectError(_("Please enter an app password."))
        did = resolve_handle(handle)
        pds = check_server(pds_endpoint(did_document(did)))
        session = create_session(pds, did, password)
        if session.get("did") != did:
            raise ConnectError(
                _("The server signed in another account than %(handle)s.") % {"handle": handle}
            )
        return ConnectedAccount(
            remote_user_id=did,
            handle=str(session.get("handle") or handle),
            base_url=pds,
            credentials={"identifier": did, "password": password},
        )


def resolve_handle(handle: str) -> str:
    """The DID behind ``handle``; ``ConnectError`` if no method finds one."""
    if settings.CARECAST_BLUESKY_RESOLVER:
        url = settings.CARECAST_BLUESKY_RESOLVER.rstrip("/")
        body = _get_json(f"{url}/xrpc/com.atproto.identity.resolveHandle", {"handle": handle})
        did = str(body.get("did", "")) if isinstance(body, dict) else ""
    else:
        did = _did_from_dns(handle) or _did_from_well_known(handle)
    if not _DID.match(did or ""):
        raise ConnectError(_("No Bluesky account answers to %(handle)s.") % {"handle": handle})
    return did


def _did_from_dns(handle: str) -> str:
    import dns.exception
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=not settings.CARECAST_BLUESKY_DNS_SERVER)
    if settings.CARECAST_BLUESKY_DNS_SERVER:  # "host:port", e.g. a test's own name server
        host, _sep, port = settings.CARECAST_BLUESKY_DNS_SERVER.rpartition(":")
        resolver.nameservers, resolver.port = [host], int(port)
    try:
        answers = resolver.resolve(f"_atproto.{handle}", "TXT", lifetime=5)
    except dns.exception.DNSException:
        return ""
    for record in answers:
        text = b"".join(record.strings).decode("ascii", "replace")
        if text.startswith("did="):
            return text.removeprefix("did=").strip()
    return ""


def _did_from_well_known(handle: str) -> str:
    try:
        check_server(f"https://{handle}/")
    except ConnectError:
        return ""
    try:
        with make_client(f"https://{handle}", timeout=10, guard=loopback_if_sandbox()) as http:
            response = http.get("/.well-known/atproto-did")
    except httpx.HTTPError:
        return ""
    return response.text.strip() if response.status_code == 200 else ""


def did_document(did: str) -> dict[str, Any]:
    """The DID document: from the PLC directory (did:plc) or the domain itself (did:web)."""
    if did.startswith("did:plc:"):
        url = f"{settings.CARECAST_BLUESKY_PLC_URL.rstrip('/')}/{did}"
    else:
        host = did.removeprefix("did:web:").replace("%3A", ":")
        url = check_server(f"https://{host}/.well-known/did.json")
    doc = _get_json(url, {})
    if not isinstance(doc, dict) or doc.get("id") != did:
        raise ConnectError(_("The directory does not know %(did)s.") % {"did": did})
    return doc


def pds_endpoint(doc: dict[str, Any]) -> str:
    """The ``#atproto_pds`` service of a DID document."""
    for service in doc.get("service") or []:
        if str(service.get("id", "")).endswith("#atproto_pds") and service.get("serviceEndpoint"):
            return str(service["serviceEndpoint"]).rstrip("/")
    raise ConnectError(_("The account's server (PDS) is not named in its DID document."))


def create_session(pds: str, did: str, password: str) -> dict[str, Any]:
    body = {"identifier": did, "password": password}
    try:
        with make_client(pds, guard=loopback_if_sandbox()) as http:
            response = http.post("/xrpc/com.atproto.server.createSession", json=body)
    except httpx.HTTPError as exc:
        raise ConnectError(
            _("The Bluesky server %(pds)s cannot be reached.") % {"pds": pds}
        ) from exc
    if response.status_code in (400, 401):
        raise ConnectError(_("Bluesky did not accept this handle and app password."))
    if response.status_code >= 400:
        raise ConnectError(
            _("Bluesky answered HTTP %(status)s.") % {"status": response.status_code}
        )
    return response.json()


def _get_json(url: str, params: dict[str, str]) -> Any:
    try:
        with make_client(timeout=10) as http:
            response = http.get(url, params=params)
        return response.json() if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return {}
