"""Website visits from social media: Matomo's Reporting API (the sandbox's) or a CSV file,
matched to networks and campaigns; a wrong token or a broken file changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from carecast.analytics import visits
from carecast.analytics.applications import ImportRejected, settings_for
from carecast.analytics.models import WebsiteVisitDay
from carecast.core.crypto import encrypt_json
from carecast.stories.models import Campaign

TODAY = dt.date(2027, 3, 4)


@pytest.fixture
def matomo(org, sandbox):
    Campaign.objects.create(organisation=org, name="#GameChanger")
    sandbox.settings["matomo"] = {
        "token": "anonymous-no-more",
        "site": 3,
        "campaigns": {"2027-03-02": [{"label": "gamechanger", "nb_visits": 41, "nb_actions": 120}]},
        "socials": {
            "2027-03-02": [
                {"label": "Facebook", "nb_visits": 17, "nb_actions": 30},
                {"label": "Mastodon", "nb_visits": 9, "nb_actions": 12},
            ],
            "2027-03-03": [{"label": "LinkedIn", "nb_visits": 5, "nb_actions": 9}],
        },
    }
    found = settings_for(org)
    found.matomo_url = f"{sandbox.base_url}/matomo/"
    found.matomo_site_id = 3
    found.matomo_token_encrypted = encrypt_json({"token": "anonymous-no-more"})
    found.matomo_imported_until = dt.date(2027, 3, 1)
    found.save()
    return sandbox


def test_it_imports_campaigns_and_social_networks_from_matomo(org, matomo):
    assert visits.import_matomo(org, TODAY) == 4
    rows = {(r.kind, r.label): r for r in WebsiteVisitDay.objects.all()}
    assert rows["campaign", "gamechanger"].campaign.name == "#GameChanger"
    assert rows["campaign", "gamechanger"].visits == 41
    assert rows["social", "Facebook"].network == "facebook"
    assert rows["social", "LinkedIn"].day == dt.date(2027, 3, 3)
    # The token travelled in the POST body, not in the address (access logs keep those).
    [asked, *_] = matomo.requests(path="/matomo/index.php")
    assert "token_auth" not in asked["path"]
    assert settings_for(org).matomo_imported_until == TODAY


def test_a_second_import_corrects_instead_of_doubling(org, matomo):
    visits.import_matomo(org, TODAY)
    matomo.settings["matomo"]["socials"]["2027-03-02"][0]["nb_visits"] = 18
    visits.import_matomo(org, TODAY)
    assert WebsiteVisitDay.objects.get(label="Facebook").visits == 18
    assert WebsiteVisitDay.objects.count() == 4


def test_a_wrong_token_is_a_clear_message_and_changes_nothing(org, matomo):
    matomo.settings["matomo"]["token"] = "rotated"
    with translation.override("de"), pytest.raises(visits.MatomoError) as refused:
        visits.import_matomo(org, TODAY)
    assert "401" in str(refused.value)
    assert not WebsiteVisitDay.objects.exists()
    assert settings_for(org).matomo_imported_until == dt.date(2027, 3, 1)


def test_it_imports_a_csv_export_and_names_faulty_rows(org):
    Campaign.objects.create(organisation=org, name="#GameChanger")
    good = "Datum;Kampagne;Netzwerk;Besuche\n02.03.2027;gamechanger;;41\n02.03.2027;;Instagram;12\n"
    assert visits.import_csv(org, good.encode()) == 2
    assert WebsiteVisitDay.objects.get(label="Instagram").network == "instagram"
    bad = "Datum;Netzwerk;Besuche\n03.03.2027;Facebook;viele\nmorgen;X;3\n"
    with translation.override("de"), pytest.raises(ImportRejected) as rejected:
        visits.import_csv(org, bad.encode())
    assert rejected.value.errors == [
        "Zeile 2: „viele“ ist keine Zahl von Besuchen.",
        "Zeile 3: „morgen“ ist kein Datum.",
    ]
    assert WebsiteVisitDay.objects.count() == 2
