"""Hardening that a security review asked for: sign-in throttling, a Content-Security-Policy
without inline script or eval, production settings on by default, API docs offline and
behind sign-in."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.web.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def _wrong(client: Client, username: str, times: int) -> list[int]:
    return [
        client.post("/login/", {"username": username, "password": "falsch"}).status_code
        for _ in range(times)
    ]


def test_it_pauses_sign_in_after_five_wrong_passwords(anna, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC), tick=False)
    client = Client()
    # The form again with its error four times; the fifth wrong password pauses sign-in.
    assert _wrong(client, "anna", 5) == [200, 200, 200, 200, 429]
    locked = client.post("/login/", {"username": "anna", "password": "pw-anna"})
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Anmeldung pausiert" in body and "15 Minuten" in body
    assert "_auth_user_id" not in client.session

    time_machine.move_to(dt.datetime(2026, 11, 18, 9, 16, tzinfo=dt.UTC), tick=False)
    signed_in = client.post("/login/", {"username": "anna", "password": "pw-anna"})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


def test_it_counts_wrong_passwords_per_user_name(anna, ben):
    client = Client()
    _wrong(client, "ben", 5)
    # Someone guessing Ben's password does not lock Anna out.
    assert client.post("/login/", {"username": "anna", "password": "pw-anna"}).status_code == 302


def test_a_success_resets_the_count(anna):
    client = Client()
    _wrong(client, "anna", 4)
    assert client.post("/login/", {"username": "anna", "password": "pw-anna"}).status_code == 302
    client.logout()
    _wrong(client, "anna", 4)
    assert client.post("/login/", {"username": "anna", "password": "pw-anna"}).status_code == 302


def test_every_page_carries_a_policy_without_inline_script_or_eval(anna):
    response = login(anna).get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-eval" not in policy and "unsafe-inline" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert re.search(r"<script(?![^>]*\ssrc=)[^>]*>", response.content.decode()) is None


TEMPLATES = sorted(ROOT.joinpath("carecast").glob("**/templates/**/*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_needs_inline_script_or_eval(template: Path):
    """htmx runs with allowEval=false: trigger filters ``[…]``, ``hx-on`` and ``js:`` values
    would be evaluated, and the policy refuses inline script."""
    text = template.read_text()
    assert re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text) is None
    assert "hx-on" not in text and "js:" not in text and "javascript:" not in text
    assert re.search(r'hx-trigger="[^"]*\[', text) is None


def test_api_docs_need_sign_in_and_load_nothing_from_the_internet(anna):
    anonymous = Client().get("/api/v1/docs")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    docs = login(anna).get("/api/v1/docs")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.content.decode())
    assert assets and all(not a.startswith(("http:", "https:", "//")) for a in assets), assets
    assert any("swagger-ui-bundle.js" in a for a in assets)


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARECAST_", "DJANGO_"))}
    env.update(
        CARECAST_DEBUG="false",
        CARECAST_SECRET_KEY="a-long-random-secret-for-this-test-only-0123456789-abcdefghij",
        CARECAST_TOKEN_KEY="3Z6vYg6mXxv7yJ7pQHq2s1Gm0bU8kV4cN5tR9wE2aLs=",
        CARECAST_ALLOWED_HOSTS="carecast.klinikum.example",
    )
    env.update(extra)
    return env


def _check(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "django", "check", *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "carecast.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    done = _check(
        "--deploy", "--fail-level", "WARNING", env=_production_env(CARECAST_VAR_DIR=str(tmp_path))
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_an_invalid_token_key_is_refused_at_start_up(tmp_path):
    done = _check(env=_production_env(CARECAST_TOKEN_KEY="geheim", CARECAST_VAR_DIR=str(tmp_path)))
    assert done.returncode != 0
    assert "CARECAST_TOKEN_KEY is not a valid key" in done.stderr


CSP_PAGES = ["/", "/stories/new/", "/calendar/", "/channels/", "/inbox/", "/media-library/"]


@pytest.mark.browser
def test_pages_run_under_the_policy_without_violations(browser, live_server, anna, busy_week):
    from tests.browser_fixtures import signed_in_context

    context = signed_in_context(browser, live_server.url, anna)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in [*CSP_PAGES, "/api/v1/docs"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # htmx itself runs: the composer's live preview answers typing.
    page.goto(live_server.url + "/stories/new/")
    page.fill("#id_text", "Neuer MRT in Betrieb")
    page.wait_for_load_state("networkidle")
    swagger = page.goto(live_server.url + "/api/v1/docs")
    assert swagger is not None and swagger.ok
    page.wait_for_selector(".swagger-ui .info", timeout=10_000)
    context.close()
    assert refused == []
