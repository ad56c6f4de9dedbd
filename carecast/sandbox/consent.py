"""The consent page every sandbox network shows at its authorization address, and the way back.

A network's sandbox keeps its own wording (the buttons its real dialog has) and what a
choice grants; the page's shape and the redirect with ``code`` or ``error`` are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from typing import Any
from urllib.parse import urlencode

from carecast.sandbox.routing import Request, Response
from carecast.sandbox.viewer import page

_BUTTONS = (
    "button{font:inherit;padding:.5rem 1rem;border-radius:.4rem;border:1px solid #b8c0cc;"
    "background:#fff;cursor:pointer}button[value=allow]{background:#1f5fbf;color:#fff;"
    "border-color:#1f5fbf}"
)
NO_ACCOUNTS = "<p>Keine Konten in der Sandbox.</p>"


def account_choices(
    accounts: Iterable[dict[str, Any]],
    label: Callable[[dict[str, Any]], str] = lambda a: f"@{a['handle']}",
    empty: str = NO_ACCOUNTS,
) -> str:
    """One radio button per sandbox account (the first chosen), or ``empty`` if there is none."""
    return (
        "".join(
            f'<p><label><input type="radio" name="account" value="{escape(a["handle"])}"'
            f"{' checked' if i == 0 else ''}> {escape(label(a))}</label></p>"
            for i, a in enumerate(accounts)
        )
        or empty
    )


def consent_page(
    title: str,
    heading: str,
    *,
    action: str,
    keep: dict[str, str],
    choices: str = "",
    allow: str = "Zulassen",
    deny: str = "Abbrechen",
    intro: str = "",
    question: str = "",
) -> Response:
    """The page asking to allow ``keep['scope']``; ``keep`` goes back in hidden fields.

    ``intro`` (HTML) stands before the permissions, ``question`` (text) after them.
    """
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in keep.items()
    )
    asked = f"<p>{escape(question)}</p>" if question else ""
    body = (
        f"<style>{_BUTTONS}</style>"
        f"<h1>{escape(heading)}</h1>"
        f"<p>{intro}Berechtigungen: <code>{escape(keep.get('scope', ''))}</code></p>{asked}"
        f'<form method="post" action="{escape(action)}">{hidden}{choices}'
        f'<p><button name="decision" value="allow">{escape(allow)}</button> '
        f'<button name="decision" value="deny">{escape(deny)}</button></p></form>'
    )
    return page(title, body)


def allowed_account(req: Request, network: str) -> str:
    """The sandbox account the tester allowed on the consent page; empty if denied."""
    handle = str(req.param("account") or "")
    if req.param("decision") != "allow" or req.store.account(network, handle) is None:
        return ""
    return handle


def back_to(redirect: str, answer: dict[str, str]) -> Response:
    """The 302 to the client's redirect address with ``answer`` (code or error, and state)."""
    separator = "&" if "?" in redirect else "?"
    return Response(302, None, {"Location": f"{redirect}{separator}{urlencode(answer)}"})
