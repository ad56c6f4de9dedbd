"""The campaign's totals and each channel's share from the daily rollups, missing numbers kept
missing; every analytics table downloads as CSV and XLSX without formulas sneaking in."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from carecast.analytics import campaigns, exports
from carecast.analytics.models import JobApplication, Post
from carecast.analytics.rollup import rebuild_days
from carecast.networks.models import Channel
from carecast.stories.models import Campaign

BERLIN = ZoneInfo("Europe/Berlin")
DAY = dt.datetime(2027, 3, 3, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def campaign_posts(org):
    campaign = Campaign.objects.create(organisation=org, name="#GameChanger")
    mastodon = Channel.objects.create(organisation=org, network="mastodon", name="Mastodon")
    x = Channel.objects.create(organisation=org, network="x", name="X")

    def post(channel, remote, **latest):
        return Post.objects.create(
            organisation=org, channel=channel, campaign=campaign, remote_id=remote,
            published_at=DAY, **{f"latest_{k}": v for k, v in latest.items()},
        )  # fmt: skip

    post(mastodon, "m1", likes=30, comments=5, shares=5)  # no views on Mastodon
    post(mastodon, "m2", likes=10, comments=0, shares=0)
    post(x, "x1", views=4000, likes=40, comments=4, shares=6, saves=0)
    JobApplication.objects.create(
        organisation=org, external_id="A-1", received_at=DAY, channel=x, campaign=campaign,
        network="x", source="csv",
    )  # fmt: skip
    JobApplication.objects.create(
        organisation=org, external_id="A-2", received_at=DAY, campaign=campaign, source="csv"
    )
    rebuild_days(org, DAY.date() - dt.timedelta(days=1))
    return campaign, mastodon, x


def test_it_sums_the_campaign_and_gives_each_channel_its_share(campaign_posts):
    campaign, mastodon, x = campaign_posts
    report = campaigns.report(campaign)
    assert report.totals["posts"] == 3
    assert report.totals["views"] == 4000  # Mastodon's missing views are not zeros
    assert report.totals["engagement"] == 100
    assert report.totals["applications"] == 2
    assert report.applications_unassigned == 1
    shares = {row.channel: row for row in report.channels}
    assert shares[mastodon].values["views"] is None
    assert shares[mastodon].shares["views"] is None
    assert shares[mastodon].shares["engagement"] == 50.0
    assert shares[x].shares["engagement"] == 50.0
    assert shares[x].shares["views"] == 100.0


def test_the_campaign_page_shows_missing_as_a_dash_not_zero(campaign_posts, anna):
    client = Client()
    client.force_login(anna.user)
    page = client.get(f"/analytics/campaigns/{campaign_posts[0].pk}/", HTTP_ACCEPT_LANGUAGE="de")
    html = page.content.decode()
    assert 'title="vom Netzwerk nicht gemeldet"' in html
    assert "4.000" in html


@pytest.mark.parametrize("table", sorted(exports.TABLES))
def test_every_table_downloads_as_csv_and_xlsx(campaign_posts, anna, table):
    client = Client()
    client.force_login(anna.user)
    as_csv = client.get(f"/analytics/export/{table}.csv")
    assert as_csv.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(as_csv.streaming_content).decode())))
    assert lines[0] == [header for header, _path in exports.TABLES[table].columns]
    as_xlsx = client.get(f"/analytics/export/{table}.xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == lines[0]
    assert sheet.max_row == len(lines)


def test_missing_numbers_are_empty_cells_and_formulas_are_defused(campaign_posts, anna):
    Post.objects.filter(remote_id="m1").update(text="=HYPERLINK(1)")
    client = Client()
    client.force_login(anna.user)
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get("/analytics/export/posts.csv").streaming_content).decode()
            )
        )
    )
    mastodon_rows = [r for r in rows if r["network"] == "mastodon"]
    assert {r["views"] for r in mastodon_rows} == {""}
    assert exports._csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"


def test_another_organisation_exports_nothing_of_ours(campaign_posts, db):
    from carecast.core.models import Organisation

    other = Organisation.objects.create(name="Anderes Klinikum", slug="anderes")
    assert not list(exports.rows(exports.TABLES["posts"], other))
