"""The sandbox's web pages: every account and its posts, and one page per post.

Each post's page is the URL the API returned, so carecast's "view post" link lands here.
All text is escaped: posts are user input.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from carecast.sandbox.routing import Request, Response, Router

router = Router()
BERLIN = ZoneInfo("Europe/Berlin")
LABELS = {"mastodon": "Mastodon", "x": "X", "bluesky": "Bluesky"}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
}
STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
.banner{background:#ffe08a;padding:.5rem 1rem;font-weight:600;text-align:center}
main{max-width:46rem;margin:0 auto;padding:1rem}
section{margin:1.5rem 0}
article{background:#fff;border-radius:.5rem;padding:.75rem 1rem;margin:.5rem 0;box-shadow:0 1px 2px #0002}
.meta{color:#5a6275;font-size:.875rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.5rem 0}
img{max-width:100%;max-height:20rem;border-radius:.25rem;display:block}
figcaption{font-size:.875rem;color:#5a6275}
a{color:#1f5fbf}
"""


def page(title: str, body: str, status: int = 200) -> Response:
    html = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – carecast Sandbox</title><style>{STYLE}</style></head><body>"
        '<div class="banner" role="note">Sandbox – lokale Testumgebung. '
        "Nichts hiervon ist öffentlich.</div>"
        f'<main><p><a href="/">Alle Konten</a></p>{body}</main></body></html>'
    )
    return Response(status, html, dict(HEADERS))


def local_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(BERLIN)
    except ValueError:
        return value
    return moment.strftime("%d.%m.%Y, %H:%M Uhr")


def handle_label(network: str, handle: str) -> str:
    return handle if network == "bluesky" else f"@{handle}"


def account_url(network: str, handle: str) -> str:
    return {"mastodon": f"/@{handle}", "x": f"/x/{handle}", "bluesky": f"/bsky/{handle}"}[network]


def render_post(post: dict[str, Any]) -> str:
    network, handle = post["network"], post["account"]
    figures = "".join(
        f'<figure><img src="/_sandbox/media/{escape(network)}/{escape(m["id"])}" '
        f'alt="{escape(m["alt_text"])}">'
        f"<figcaption>Bildbeschreibung: {escape(m['alt_text']) or '<em>keine</em>'}</figcaption></figure>"
        for m in post["media"]
    )
    text = escape(post["text"]) if post["text"] else "<em>(ohne Text)</em>"
    return (
        f'<article><div class="meta">{escape(LABELS.get(network, network))} · '
        f"{escape(handle_label(network, handle))} · {escape(local_time(post['created_at']))}</div>"
        f'<p class="text">{text}</p>{figures}'
        f'<div class="meta"><a href="{escape(post["url"])}">Beitrag öffnen</a></div></article>'
    )


def render_account(req: Request, account: dict[str, Any], limit: int | None = 50) -> str:
    network, handle = account["network"], account["handle"]
    posts = req.store.posts(network, handle, limit)
    if network == "bluesky":
        posts = [p for p in posts if p["data"].get("collection") == "app.bsky.feed.post"]
    state = " (Zugang widerrufen)" if account["revoked"] else ""
    items = "".join(render_post(p) for p in posts) or "<p>Noch keine Beiträge.</p>"
    title = f"{LABELS[network]} · {handle_label(network, handle)}{state}"
    link = escape(account_url(network, handle))
    return f'<section><h2><a href="{link}">{escape(title)}</a></h2>{items}</section>'


@router.route("GET", "/")
def index(req: Request) -> Response:
    accounts = req.store.accounts()
    if not accounts:
        return page(
            "Übersicht", "<h1>Beiträge in der Sandbox</h1><p>Noch keine Konten angelegt.</p>"
        )
    sections = "".join(render_account(req, account, 20) for account in accounts)
    return page("Übersicht", f"<h1>Beiträge in der Sandbox</h1>{sections}")


def _account_page(req: Request, network: str, handle: str) -> Response:
    account = req.store.account(network, handle)
    if account is None:
        return page("Nicht gefunden", "<h1>Konto nicht gefunden</h1>", 404)
    return page(handle_label(network, handle), render_account(req, account, None))


def _post_page(req: Request, network: str, post_id: str) -> Response:
    post = req.store.post(network, post_id)
    if post is None:
        body = "<h1>Beitrag nicht gefunden</h1><p>Er wurde gelöscht oder nie veröffentlicht.</p>"
        return page("Nicht gefunden", body, 404)
    return page(f"Beitrag von {handle_label(network, post['account'])}", render_post(post))


@router.route("GET", "/@<handle>")
def mastodon_account(req: Request, handle: str) -> Response:
    return _account_page(req, "mastodon", handle)


@router.route("GET", "/@<handle>/<post_id>")
def mastodon_post(req: Request, handle: str, post_id: str) -> Response:
    return _post_page(req, "mastodon", post_id)


@router.route("GET", "/x/<handle>")
def x_account(req: Request, handle: str) -> Response:
    return _account_page(req, "x", handle)


@router.route("GET", "/x/<handle>/status/<post_id>")
def x_post(req: Request, handle: str, post_id: str) -> Response:
    return _post_page(req, "x", post_id)


@router.route("GET", "/bsky/<handle>")
def bluesky_account(req: Request, handle: str) -> Response:
    return _account_page(req, "bluesky", handle)


@router.route("GET", "/bsky/<handle>/post/<rkey>")
@router.route("GET", "/bsky/profile/<handle>/post/<rkey>")
def bluesky_post(req: Request, handle: str, rkey: str) -> Response:
    account = req.store.account("bluesky", handle)
    did = account["user_id"] if account else handle
    return _post_page(req, "bluesky", f"at://{did}/app.bsky.feed.post/{rkey}")
