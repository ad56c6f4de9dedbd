"""The lead changes the hospital's own settings after the first start (name, zone, language,
addresses) in the UI: saved, audited by field name, refused with German messages."""

from __future__ import annotations

import pytest

from carecast.core.models import AuditLog, Organisation
from tests.browser_fixtures import SCREENSHOTS, signed_in_context

URL = "/team/hospital/"


def _values(org: Organisation, **changes) -> dict[str, str]:
    values = {
        "name": org.name,
        "timezone": org.timezone,
        "language": org.language,
        "public_url": org.public_url or "https://carecast.klinikum.example",
        "website": org.website,
        "imprint_url": org.imprint_url,
        "privacy_url": org.privacy_url,
    }
    values.update(changes)
    return values


def test_the_page_shows_the_hospital_as_it_is(anna_client, org):
    org.imprint_url = "https://klinikum.example/impressum"
    org.save()
    body = anna_client.get(URL).content.decode()
    assert "<h1>Das Krankenhaus</h1>" in body
    assert 'value="https://klinikum.example/impressum"' in body
    assert 'value="Europe/Berlin" selected' in body
    assert 'href="/team/hospital/"' in anna_client.get("/team/").content.decode()


def test_the_lead_changes_language_and_addresses_and_the_audit_names_the_fields(anna_client, org):
    response = anna_client.post(
        URL,
        _values(
            org,
            language="en",
            imprint_url="https://klinikum.example/impressum",
            public_url="https://carecast.klinikum.example/",
        ),
        follow=True,
    )
    assert "Einstellungen gespeichert." in response.content.decode()
    org.refresh_from_db()
    assert org.language == "en"
    assert org.imprint_url == "https://klinikum.example/impressum"
    assert org.public_url == "https://carecast.klinikum.example"  # no trailing slash
    entry = AuditLog.objects.get(action="organisation.changed")
    assert sorted(entry.detail["fields"]) == ["imprint_url", "language", "public_url"]


def test_saving_without_a_change_writes_nothing(anna_client, org):
    anna_client.post(URL, _values(org))  # the first save fills the public address
    AuditLog.objects.all().delete()
    response = anna_client.post(URL, _values(Organisation.objects.get(pk=org.pk)), follow=True)
    assert "Es wurde nichts geändert." in response.content.decode()
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("name", "  ", "Dieses Feld ist zwingend erforderlich."),
        ("public_url", "", "Dieses Feld ist zwingend erforderlich."),
        ("imprint_url", "klinikum impressum", "Bitte eine gültige Adresse eingeben."),
        ("timezone", "Mars/Olympus", "Mars/Olympus"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(anna_client, org, field, value, message):
    before = Organisation.objects.values().get(pk=org.pk)
    response = anna_client.post(URL, _values(org, **{field: value}))
    body = response.content.decode()
    assert response.status_code == 200 and "Bitte prüfen Sie die markierten Felder." in body
    assert message in body
    assert Organisation.objects.values().get(pk=org.pk) == before
    assert not AuditLog.objects.filter(action="organisation.changed").exists()


def test_only_the_lead_may_open_it(clara_client):
    assert clara_client.get(URL).status_code == 403


@pytest.mark.browser
@pytest.mark.parametrize("width,height,name", [(1366, 900, "laptop"), (390, 844, "phone")])
def test_screenshot(browser, live_server, anna, width, height, name):
    out = SCREENSHOTS / "ui"
    out.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(browser, live_server.url, anna, "de", width=width, height=height)
    page = context.new_page()
    page.goto(live_server.url + URL)
    page.get_by_label("Impressum").fill("nicht eine Adresse")
    page.get_by_role("button", name="Speichern").click()
    page.locator(".form-errors").wait_for()
    page.screenshot(path=str(out / f"organisation-{name}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()


def test_the_service_refuses_what_the_form_would_let_through(org, anna):
    """Other callers (shell, API) get the same checks as the page."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from carecast.core.setup import update_organisation

    bad = _values(org, name=" ", timezone="Mars/Olympus", language="fr", website="ftp://x.example")
    with translation.override("de"), pytest.raises(ValidationError) as caught:
        update_organisation(org, bad, anna.user)
    errors = caught.value.message_dict
    assert set(errors) == {"name", "timezone", "language", "website"}
    assert errors["name"] == ["Geben Sie den Namen des Krankenhauses ein."]
    assert Organisation.objects.get(pk=org.pk).name == org.name
