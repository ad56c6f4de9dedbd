"""The dashboard and report pages as each persona sees them."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from carecast.analytics.models import ChannelDay
from carecast.networks.models import Channel
from carecast.reports.models import ReportSettings


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_it_shows_the_whole_organisation_to_the_team(ben, history, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    page = _client(ben).get("/analytics/dashboard/")
    html = page.content.decode()
    assert page.status_code == 200 and "November 2026" in html
    assert "Kreißsaal-Führung" in html and 'role="img"' in html and "Als Tabelle zeigen" in html
    assert "<script" not in html.split("</head>")[1]  # charts come as SVG, no inline script


def test_it_shows_a_department_editor_only_their_departments_channels(
    org, clara, history, time_machine
):
    other = Channel.objects.create(organisation=org, network="x", name="X – Jobs", handle="jobs")
    ChannelDay.objects.create(channel=other, day=dt.date(2026, 11, 4), posts=1, views=77777)
    time_machine.move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    html = _client(clara).get("/analytics/dashboard/").content.decode()
    assert "Nur die Kanäle Ihrer Abteilung." in html
    assert "77.777" not in html and "78.677" not in html and "900" in html


def test_it_keeps_the_organisations_report_from_department_editors(clara, ben, history):
    assert _client(clara).get("/analytics/report/2026-11.pdf").status_code == 403
    response = _client(ben).get("/analytics/report/2026-11.pdf?lang=en")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")


def test_it_lets_the_lead_keep_the_list_and_says_which_line_is_wrong(org, anna):
    client = _client(anna)
    page = client.post(
        "/analytics/report/settings/",
        {"recipients": "gf@klinikum.test\nkein-name\n", "language": "de"},
    )
    assert page.status_code == 400 and "Keine E-Mail-Adresse: kein-name" in page.content.decode()
    assert not ReportSettings.objects.filter(recipients__contains="gf").exists()
    client.post(
        "/analytics/report/settings/",
        {
            "recipients": " gf@klinikum.test \n\npresse@klinikum.test\ngf@klinikum.test",
            "language": "en",
        },
    )
    saved = ReportSettings.objects.get(organisation=org)
    assert (
        saved.recipient_list == ["gf@klinikum.test", "presse@klinikum.test"]
        and saved.language == "en"
    )


def test_it_exports_a_charts_table_with_unformatted_numbers(ben, history, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    response = _client(ben).get("/analytics/dashboard/formats.csv?months=3")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert (
        response["Content-Type"].startswith("text/csv")
        and "attachment" in response["Content-Disposition"]
    )
    assert "Video,95.0" in lines and "Text," in lines  # a format without figures stays empty
    book = _client(ben).get("/analytics/dashboard/times.xlsx")
    assert book.content[:2] == b"PK"
    assert _client(ben).get("/analytics/dashboard/nothing.csv").status_code == 404


def test_it_marks_a_post_made_directly_on_the_network(ben, history, time_machine):
    from carecast.analytics.models import Post

    Post.objects.filter(text="Kreißsaal-Führung").update(imported=True)
    time_machine.move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    html = _client(ben).get("/analytics/dashboard/").content.decode()
    top = html.split('class="top-posts"')[1].split("</ol>")[0]
    assert top.count("direkt im Netzwerk veröffentlicht") == 1
    assert top.index("direkt im Netzwerk") < top.index("Kreißsaal-Führung")
