"""Job applications: CSV import (all or nothing, errors naming the row, in German) and the
signed webhook, matched by UTM source/campaign to network, channel and campaign."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from carecast.analytics.applications import ImportRejected, import_csv, settings_for, signature
from carecast.analytics.models import JobApplication
from carecast.core.models import Department
from carecast.networks.models import Channel
from carecast.stories.models import Campaign

GOOD = (
    "Referenz;Eingang;Stelle;Abteilung;utm_source;utm_medium;utm_campaign;utm_content\n"
    "A-1;03.03.2027 10:15;Pflegefachkraft;Geburtshilfe;instagram;social;gamechanger;\n"
    "A-2;2027-03-04;Hebamme;geburtshilfe;Facebook;social;GameChanger;c{fb}\n"
    "A-3;05.03.2027;Ärztin;Radiologie;;;;\n"
)


@pytest.fixture
def setting(org, geburtshilfe):
    campaign = Campaign.objects.create(organisation=org, name="#GameChanger")
    insta = Channel.objects.create(organisation=org, network="instagram", name="Instagram")
    fb = Channel.objects.create(organisation=org, network="facebook", name="Facebook Jobs")
    Channel.objects.create(organisation=org, network="facebook", name="Facebook News")
    return campaign, insta, fb


def test_it_imports_and_matches_by_utm(org, setting, geburtshilfe):
    campaign, insta, fb = setting
    result = import_csv(org, GOOD.format(fb=fb.pk).encode())
    assert (result.created, result.updated, result.unmatched) == (3, 0, 1)
    a1, a2, a3 = JobApplication.objects.order_by("external_id")
    # One Instagram channel: it is that one; two Facebook channels: utm_content decides.
    assert (a1.network, a1.channel, a1.campaign, a1.department) == (
        "instagram", insta, campaign, geburtshilfe,
    )  # fmt: skip
    assert (a2.network, a2.channel, a2.campaign) == ("facebook", fb, campaign)
    assert (a3.network, a3.channel, a3.campaign, a3.department) == ("", None, None, None)
    assert a1.received_at.isoformat() == "2027-03-03T09:15:00+00:00"  # 10:15 in Berlin


def test_it_updates_instead_of_doubling_on_a_second_import(org, setting):
    data = GOOD.format(fb=setting[2].pk).encode()
    import_csv(org, data)
    result = import_csv(org, data)
    assert (result.created, result.updated) == (0, 3)
    assert JobApplication.objects.count() == 3


def test_it_refuses_the_whole_file_naming_each_faulty_row_in_german(org, setting):
    data = (
        "Referenz,Eingang,Stelle\n"
        "B-1,01.04.2027,Pflege\n"
        ",02.04.2027,Küche\n"
        "B-3,31.02.2027,Labor\n"
        "B-1,03.04.2027,Pflege\n"
    ).encode()
    with translation.override("de"), pytest.raises(ImportRejected) as rejected:
        import_csv(org, data)
    assert rejected.value.errors == [
        "Zeile 3: die Referenz fehlt.",
        "Zeile 4: „31.02.2027“ ist kein Datum (z. B. 31.01.2027 oder 2027-01-31).",
        "Zeile 5: die Referenz „B-1“ steht schon in Zeile 2.",
    ]
    # Row 2 was fine, and still nothing was imported.
    assert not JobApplication.objects.exists()


def test_it_says_which_columns_it_needs(org):
    with translation.override("de"), pytest.raises(ImportRejected) as rejected:
        import_csv(org, b"Name;E-Mail\nMax;max@example.test\n")
    [message] = rejected.value.errors
    assert "„Referenz“" in message and "Name, E-Mail" in message


def test_it_reads_windows_excel_exports(org):
    data = "Referenz;Eingang;Stelle\nC-1;01.05.2027;Pflegehelfer/in Küche – Spätdienst\n"
    import_csv(org, data.encode("cp1252"))
    assert JobApplication.objects.get().job_title.endswith("Küche – Spätdienst")


def test_it_reads_utm_from_the_landing_address(org, setting):
    data = (
        "Referenz;Eingang;Quelle-URL\n"
        "D-1;01.05.2027;https://www.klinikum.test/jobs?utm_source=instagram&utm_campaign=gamechanger\n"
    )
    import_csv(org, data.encode())
    application = JobApplication.objects.get()
    assert (application.network, application.campaign) == ("instagram", setting[0])


def test_the_import_page_shows_the_errors_and_keeps_nothing(org, anna, setting):
    client = Client()
    client.force_login(anna.user)
    upload = b"Referenz;Eingang\nE-1;gestern\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/analytics/applications/import/",
        {"file": SimpleUploadedFile("bewerbungen.csv", upload, "text/csv")},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nichts wurde importiert" in page
    assert "Zeile 2: „gestern“ ist kein Datum" in page
    assert not JobApplication.objects.exists()


# --- the webhook -----------------------------------------------------------------------------


def _post(org, body: bytes, signed: str | None):
    headers = {} if signed is None else {"HTTP_X_CARECAST_SIGNATURE": signed}
    return Client().post(
        f"/analytics/hooks/applications/{org.slug}/",
        body,
        content_type="application/json",
        **headers,
    )


def test_it_takes_a_correctly_signed_application(org, setting):
    body = json.dumps(
        {"reference": "W-1", "received": "2027-03-03T09:00:00Z", "utm_source": "instagram",
         "utm_campaign": "gamechanger", "job": "Pflegefachkraft"}
    ).encode()  # fmt: skip
    secret = settings_for(org).webhook_secret
    response = _post(org, body, signature(secret, body))
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0}
    application = JobApplication.objects.get()
    assert (application.source, application.network) == ("webhook", "instagram")


@pytest.mark.parametrize(
    "signed",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        "sha1=abc",
    ],
)
def test_it_refuses_an_unsigned_or_wrongly_signed_body(org, signed):
    body = json.dumps({"reference": "W-2", "received": "2027-03-03"}).encode()
    assert _post(org, body, signed).status_code == 401
    assert not JobApplication.objects.exists()


def test_it_refuses_a_body_signed_with_another_secret_or_changed_after_signing(org):
    body = json.dumps({"reference": "W-3", "received": "2027-03-03"}).encode()
    secret = settings_for(org).webhook_secret
    assert _post(org, body, signature("another-secret", body)).status_code == 401
    changed = body.replace(b"W-3", b"W-4")
    assert _post(org, changed, signature(secret, body)).status_code == 401
    assert not JobApplication.objects.exists()


def test_it_refuses_the_old_secret_after_a_new_one_was_made(org, anna):
    body = json.dumps({"reference": "W-5", "received": "2027-03-03"}).encode()
    old = settings_for(org).webhook_secret
    client = Client()
    client.force_login(anna.user)
    client.post("/analytics/settings/webhook-secret/")
    assert _post(org, body, signature(old, body)).status_code == 401
    new = settings_for(org).webhook_secret
    assert _post(org, body, signature(new, body)).status_code == 200


def test_it_answers_422_naming_the_faulty_application(org):
    body = json.dumps({"applications": [{"reference": "W-6", "received": "morgen"}]}).encode()
    response = _post(org, body, signature(settings_for(org).webhook_secret, body))
    assert response.status_code == 422
    assert "morgen" in response.json()["errors"][0]
    assert not JobApplication.objects.exists()


def test_the_settings_page_shows_the_secret_to_the_lead_only(org, anna, ben):
    secret = settings_for(org).webhook_secret
    lead, team = Client(), Client()
    lead.force_login(anna.user)
    team.force_login(ben.user)
    assert secret in lead.get("/analytics/settings/").content.decode()
    assert team.get("/analytics/settings/").status_code == 403


def test_department_is_matched_by_name_or_short_name(org):
    Department.objects.create(organisation=org, name="Zentrale Notaufnahme", slug="zna")
    import_csv(org, b"Referenz;Eingang;Abteilung\nF-1;01.05.2027;ZNA\n")
    assert JobApplication.objects.get().department.name == "Zentrale Notaufnahme"
