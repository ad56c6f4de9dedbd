"""In the browser: a fresh installation is set up through the setup page; the lead creates a
department and invites its editor, who opens the e-mailed link, chooses a password, signs in
and sees only their department. Screenshots (German, laptop and phone) of every page on the
way land in ``artifacts/screenshots/team/`` (or ``$CARECAST_SHOTS``).

Run: ``.venv/bin/python -m pytest tests/web/test_people_browser.py -m browser``
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from carecast.core.models import Department, Person, Role
from carecast.networks.models import Channel, Purpose
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

OUT = Path(os.environ.get("CARECAST_SHOTS", SCREENSHOTS / "team"))
LAPTOP, PHONE = (1280, 800), (390, 844)
PASSWORD = "Kreißsaal-Infoabend-2026"

pytestmark = pytest.mark.browser


def shoot(page, name: str) -> None:
    """The page as it is now, at laptop and phone width (full height)."""
    OUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": LAPTOP[0], "height": LAPTOP[1]})


def set_up(page, base: str) -> None:
    page.goto(base + "/")
    assert page.url == base + "/setup/"
    page.fill("#id_name", "Universitätsklinikum Musterstadt – Frauen- und Kinderzentrum")
    page.fill("#id_public_url", base)
    page.fill("#id_privacy_url", "https://www.klinikum.test/datenschutz")
    page.fill("#id_lead_name", "Anna Albers")
    page.fill("#id_email", "anna@klinikum.test")
    page.fill("#id_username", "anna")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", "Tippfehler-2026")
    page.click("main button[type=submit]")
    assert "verschieden" in page.inner_text(".setup-form")
    shoot(page, "setup-error")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")


def invite_editor(page, base: str, mailoutbox) -> str:
    page.goto(base + "/team/")
    shoot(page, "people-empty")
    page.goto(base + "/departments/")
    shoot(page, "departments-empty")
    page.fill("#id_name", "Geburtshilfe und Pränataldiagnostik")
    page.fill("#id_topics", "Kreißsaal, Stillberatung, Schwangerschaftsdiabetes")
    page.click("text=Abteilung anlegen")
    page.wait_for_selector("text=angelegt")
    page.goto(base + "/team/new/")
    page.fill("#id_name", "Dora Dietrich-Oberhausen")
    page.fill("#id_email", "dora@klinikum.test")
    page.fill("#id_username", "dora")
    page.select_option("#id_role", Role.DEPARTMENT_EDITOR)
    page.click("main button[type=submit]")
    assert "braucht eine Abteilung" in page.inner_text("main form")
    shoot(page, "person-new-error")
    page.select_option("#id_department", label="Geburtshilfe und Pränataldiagnostik")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Einladung an dora@klinikum.test verschickt.")
    shoot(page, "people-list")
    assert len(mailoutbox) == 1
    return re.search(r"(http\S+/invitation/\S+/)", mailoutbox[0].body).group(1)


def more_pages(page, base: str, department) -> None:
    """The lead's other pages, for the screenshots: a first password, a person, departments."""
    page.goto(base + "/team/new/")
    page.fill("#id_name", "Benedikt Brandenburger-Wüstenhagen")
    page.fill("#id_email", "ben@klinikum.test")
    page.fill("#id_username", "ben")
    page.check("input[value=password]")
    page.click("main button[type=submit]")
    assert page.inner_text("[data-once-password]")
    shoot(page, "password-once")
    page.goto(base + "/departments/")
    page.fill("#id_name", "Kinder- und Jugendpsychiatrie, Psychosomatik und Psychotherapie")
    page.click("text=Abteilung anlegen")
    page.wait_for_selector("text=angelegt")
    page.click("main a:has-text('Kinder- und Jugendpsychiatrie')")
    shoot(page, "department-edit")
    page.click("main button:has-text('Archivieren')")
    page.wait_for_selector("text=archiviert.")
    shoot(page, "departments-list")
    person = Person.objects.get(user__username="dora")
    page.goto(f"{base}/team/{person.pk}/")
    shoot(page, "person-edit")


def test_it_sets_up_a_fresh_installation_and_invites_a_department_editor(
    browser, live_server, mailoutbox
):
    base = live_server.url
    context = signed_in_context(browser, base)
    page = context.new_page()
    set_up(page, base)
    assert Person.objects.get(user__username="anna").role == Role.ADMIN
    link = invite_editor(page, base, mailoutbox)
    assert link.startswith(base + "/invitation/")
    department = Department.objects.get()
    org = department.organisation
    Channel.objects.create(organisation=org, network="feed", name="Website – News", handle="n")
    Channel.objects.create(
        organisation=org,
        network="feed",
        name="Website – Babytown",
        handle="b",
        department=department,
        purpose=Purpose.DEPARTMENT,
    )
    more_pages(page, base, department)
    context.close()

    guest = signed_in_context(browser, base).new_page()
    guest.goto(link)
    shoot(guest, "invitation")
    guest.fill("#id_password1", "Stillberatung-dienstags-42")
    guest.fill("#id_password2", "Stillberatung-dienstags-42")
    guest.click("main button[type=submit]")
    guest.wait_for_url(base + "/login/")
    guest.fill("#id_username", "dora")
    guest.fill("#id_password", "Stillberatung-dienstags-42")
    guest.click("main button[type=submit]")
    guest.wait_for_url(base + "/")
    guest.goto(base + "/channels/")
    channels = guest.inner_text("main")
    assert "Website – Babytown" in channels and "Website – News" not in channels
    assert "Team" not in guest.inner_text(".mainnav")
    guest.goto(link)
    assert "nicht mehr gültig" in guest.inner_text("main")
    shoot(guest, "invitation-used")
