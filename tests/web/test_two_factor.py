"""Two-factor sign-in (TOTP via django-otp): the lead is led to set it up, everyone with it
gives a code after the password, recovery codes work once, wrong codes lock out like
wrong passwords (django-axes)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from carecast.core.models import AuditLog
from carecast.twofactor import service

MORNING = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MORNING, tick=False)
    return time_machine


@pytest.fixture
def leads_need_it(settings):
    settings.CARECAST_TWO_FACTOR_FOR_LEADS = True


def sign_in(person) -> Client:
    client = Client()
    response = client.post(
        "/login/", {"username": person.user.username, "password": "pw-" + person.user.username}
    )
    assert response.status_code == 302, response.content
    return client


def code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def set_up(client: Client, user) -> list[str]:
    client.get("/account/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/two-factor/setup/", {"code": code_now(device)})
    assert response.status_code == 200
    return response.context["codes"]


def test_it_leads_the_lead_to_set_it_up_at_sign_in(anna, leads_need_it, clock):
    client = sign_in(anna)
    response = client.get("/stories/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/setup/?next=")
    page = client.get(response["Location"])
    assert "Als Kommunikationsleitung" in page.content.decode() and "<svg" in page.content.decode()
    wrong = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 400 and "Dieser Code stimmt nicht" in wrong.content.decode()
    clock.move_to(MORNING + dt.timedelta(seconds=5))  # django-otp waits a moment after a miss
    codes = set_up(client, anna.user)
    assert len(codes) == 10 and all(re.fullmatch(r"\d{5}-\d{5}", c) for c in codes)
    assert client.get("/stories/").status_code == 200  # this session gave the code
    assert AuditLog.objects.filter(action="two_factor.enabled", actor=anna.user).exists()


def test_it_asks_for_the_code_after_the_password(ben, clock):
    client = sign_in(ben)
    assert client.get("/stories/").status_code == 200  # optional for an editor
    set_up(client, ben.user)
    client.post("/logout/")
    client = sign_in(ben)
    response = client.get("/stories/")
    assert response["Location"].startswith("/account/two-factor/verify/")
    clock.move_to(MORNING + dt.timedelta(minutes=1))  # a code is accepted once: take the next
    device = TOTPDevice.objects.get(user=ben.user)
    answer = client.post("/account/two-factor/verify/?next=/stories/", {"code": code_now(device)})
    assert answer.status_code == 302 and answer["Location"] == "/stories/"
    assert client.get("/stories/").status_code == 200


def test_a_recovery_code_works_once(ben, clock):
    client = sign_in(ben)
    codes = set_up(client, ben.user)
    for attempt in range(2):
        client.post("/logout/")
        client = sign_in(ben)
        response = client.post("/account/two-factor/verify/", {"code": codes[0]})
        if attempt == 0:
            assert response.status_code == 302 and client.get("/stories/").status_code == 200
        else:
            assert response.status_code == 400
            assert client.get("/stories/").status_code == 302


def test_wrong_codes_lock_the_user_name_out_like_wrong_passwords(ben, clock, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = sign_in(ben)
    set_up(client, ben.user)
    client.post("/logout/")
    client = sign_in(ben)
    answers = [client.post("/account/two-factor/verify/", {"code": "123456"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]
    assert "Anmeldung pausiert" in answers[-1].content.decode()
    assert client.get("/stories/").status_code == 302  # signed out
    # The password alone does not get back in while the pause lasts.
    locked = Client().post("/login/", {"username": "ben", "password": "pw-ben"})
    assert locked.status_code == 429


def test_an_access_token_is_not_asked_for_a_code(ben, mastodon, clock):
    from carecast.api.tokens import issue

    set_up(sign_in(ben), ben.user)
    raw = issue(ben.user, "Skript", ["read"])[1]
    client = sign_in(ben)  # a browser session without the code, and a script's token
    response = client.get("/api/v1/channels", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_the_lead_cannot_turn_it_off_but_an_editor_can(anna, ben, leads_need_it, clock):
    lead = sign_in(anna)
    set_up(lead, anna.user)
    lead.post("/account/two-factor/disable/")
    assert service.is_enabled(anna.user)
    editor = sign_in(ben)
    set_up(editor, ben.user)
    editor.post("/account/two-factor/disable/")
    assert not service.is_enabled(ben.user)
