"""In a real browser: signing in through the provider's own login page, and screenshots of
the login page and the lead's mapping page (laptop, phone) in ``artifacts/screenshots/directory/``."""

from __future__ import annotations

import pytest

from carecast.core.models import Person, Role
from carecast.directory.models import GroupRole
from tests.browser_fixtures import SCREENSHOTS, screenshot_that_fits, signed_in_context

OUT = SCREENSHOTS / "directory"
pytestmark = pytest.mark.browser
SIZES = [(1366, 900, "laptop"), (390, 844, "phone")]


def test_it_signs_in_through_the_providers_login_page_and_out_of_both(
    browser, live_server, org, directory
):
    GroupRole.objects.create(organisation=org, group="KOMM-Team", role=Role.EDITOR)
    context = signed_in_context(browser, live_server.url, None, "de")
    page = context.new_page()
    page.goto(live_server.url + "/login/")

    page.get_by_role("link", name="Mit Klinik-Verzeichnis anmelden").click()
    assert page.url.startswith(directory.origin + "/accounts/login/")  # the provider's own page
    page.get_by_label("User").fill("erika")
    page.get_by_label("Password").fill("pw-erika")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")

    assert Person.objects.get(directory__subject="00u-erika").role == Role.EDITOR
    assert page.get_by_role("link", name="Anmelden").count() == 0

    page.get_by_role("button", name="Abmelden").click()  # through the directory's logout
    page.wait_for_url(live_server.url + "/login/")
    page.get_by_role("link", name="Mit Klinik-Verzeichnis anmelden").click()
    page.wait_for_url(directory.origin + "/accounts/login/**")  # the password is asked again
    context.close()


@pytest.mark.parametrize("width,height,name", SIZES)
def test_it_shows_the_login_page_with_the_directory(
    browser, live_server, org, directory, width, height, name
):
    context = signed_in_context(browser, live_server.url, None, "de", width=width, height=height)
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    assert page.get_by_role("link", name="Mit Klinik-Verzeichnis anmelden").is_visible()
    screenshot_that_fits(page, OUT, f"login-{name}")
    context.close()


@pytest.mark.parametrize("width,height,name", SIZES)
def test_it_shows_the_mapping_page(
    browser, live_server, org, anna, geburtshilfe, directory, width, height, name
):
    GroupRole.objects.create(organisation=org, group="KOMM-Team", role=Role.EDITOR)
    GroupRole.objects.create(
        organisation=org,
        group="Redaktion-Geburtshilfe-und-Pränatalmedizin-Verantwortliche",
        role=Role.DEPARTMENT_EDITOR,
        department=geburtshilfe,
    )
    context = signed_in_context(browser, live_server.url, anna, "de", width=width, height=height)
    page = context.new_page()
    page.goto(live_server.url + "/settings/directory/")
    assert page.get_by_role("heading", name="Verzeichnisgruppen").is_visible()
    screenshot_that_fits(page, OUT, f"mapping-{name}")
    context.close()
