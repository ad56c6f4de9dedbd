"""The monthly report: 2–4 PDF pages, the CLI, and the e-mail on the first working day, once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from carecast.reports import delivery, pdf, tasks
from carecast.reports.figures import Month

BERLIN = ZoneInfo("Europe/Berlin")


def _text(document) -> str:
    return " ".join(
        box.text
        for page in document.pages
        for box in _boxes(page._page_box)  # noqa: SLF001 - WeasyPrint's layout tree
        if hasattr(box, "text")
    )


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def test_it_lays_the_report_out_on_two_to_four_pages(org, history):
    document = pdf.document(org, Month(2026, 11), "de")
    assert 2 <= len(document.pages) <= 4
    text = _text(document)
    assert "Social-Media-Bericht November 2026" in text and "Kreißsaal-Führung" in text
    assert "Oktober 2026" in text and "November 2025" in text


def test_it_writes_the_report_in_english_too(org, history):
    from carecast.analytics.models import JobApplication

    JobApplication.objects.create(
        organisation=org,
        external_id="A-1",
        received_at=dt.datetime(2026, 11, 9, 9, 0, tzinfo=BERLIN),
        network="linkedin",
        source="csv",
    )
    text = _text(pdf.document(org, Month(2026, 11), "en"))
    assert "Social media report November 2026" in text and "Best posts of the month" in text
    assert "LinkedIn" in text and "linkedin" not in text  # networks by name, not by key


@pytest.mark.parametrize("url", ["https://cdn.example/thumb.jpg", "file:///etc/passwd"])
def test_it_fetches_nothing_but_embedded_pictures_while_rendering(url):
    with pytest.raises(ValueError, match="disallowed protocol"):
        pdf.fetcher().fetch(url)
    assert pdf.fetcher().fetch("data:text/plain;base64,b2s=") is not None


def test_it_writes_the_pdf_from_the_shell(org, history, tmp_path):
    out = tmp_path / "bericht.pdf"
    call_command("report", month="2026-11", organisation=org.slug, out=str(out))
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("options", "message"),
    [({"month": "November"}, "--month"), ({"month": "2026-11", "organisation": "nope"}, "slug")],
)
def test_it_refuses_a_wrong_month_or_organisation_clearly(org, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", out=str(tmp_path / "x.pdf"), **options)
    assert not (tmp_path / "x.pdf").exists()


def test_it_knows_the_first_working_day():
    assert delivery.first_working_day(Month(2027, 1)) == dt.date(
        2027, 1, 4
    )  # 1 Jan a Friday holiday, then the weekend
    assert delivery.first_working_day(Month(2026, 11)) == dt.date(2026, 11, 2)  # 1 Nov a Sunday
    assert delivery.first_working_day(Month(2026, 12)) == dt.date(2026, 12, 1)


def test_it_mails_last_months_report_on_the_first_working_day_once(org, history, time_machine):
    settings = delivery.settings_for(org)
    settings.recipients = "gf@klinikum.test\npresse@klinikum.test"
    settings.save()
    time_machine.move_to(dt.datetime(2026, 12, 1, 6, 30, tzinfo=BERLIN))
    assert tasks.send_monthly_reports.call_local() == 0  # before 7 o'clock
    time_machine.move_to(dt.datetime(2026, 12, 1, 7, 5, tzinfo=BERLIN))
    assert tasks.send_monthly_reports.call_local() == 1
    assert tasks.send_monthly_reports.call_local() == 0  # the next run sends nothing again
    [message] = mail.outbox
    assert message.to == ["gf@klinikum.test", "presse@klinikum.test"]
    assert "November 2026" in message.subject
    [(name, data, kind)] = message.attachments
    assert kind == "application/pdf" and data.startswith(b"%PDF-") and "2026-11" in name
    settings.refresh_from_db()
    assert settings.last_sent_month == "2026-11"


def test_it_sends_nothing_on_other_days_or_without_recipients(org, history, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN))
    assert tasks.send_monthly_reports.call_local() == 0  # nobody on the list
    settings = delivery.settings_for(org)
    settings.recipients = "gf@klinikum.test"
    settings.save()
    time_machine.move_to(dt.datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN))
    assert tasks.send_monthly_reports.call_local() == 0
    assert not mail.outbox


def test_it_tries_again_when_the_mail_server_fails(org, history, time_machine, settings):
    settings.EMAIL_BACKEND = "tests.reports.test_report.BrokenBackend"
    report = delivery.settings_for(org)
    report.recipients = "gf@klinikum.test"
    report.save()
    time_machine.move_to(dt.datetime(2026, 12, 1, 8, 0, tzinfo=BERLIN))
    assert tasks.send_monthly_reports.call_local() == 0
    report.refresh_from_db()
    assert report.last_sent_month == "" and "refused" in report.last_error


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server refused the connection")


def test_it_shows_the_posts_own_picture_from_the_media_library(org, history, settings, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from carecast.analytics.models import Post
    from carecast.publishing.models import Publication
    from carecast.stories.models import MediaAsset, Story, Variant

    settings.MEDIA_ROOT = tmp_path
    raw = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 40, 90)).save(raw, format="PNG")
    asset = MediaAsset(organisation=org, kind="image", mime_type="image/png", alt_text="Kreißsaal")
    asset.file.save("kreisssaal.png", ContentFile(raw.getvalue()), save=True)
    story = Story.objects.create(organisation=org, title="Kreißsaal-Führung")
    story.media.add(asset)
    variant = Variant.objects.create(story=story, channel=history)
    publication = Publication.objects.create(variant=variant, channel=history, state="published")
    post = Post.objects.get(text="Kreißsaal-Führung")
    post.publication = publication
    post.save()
    thumb = pdf.thumbnail(post)
    assert thumb.startswith("data:image/jpeg;base64,")
    decoded = Image.open(io.BytesIO(__import__("base64").b64decode(thumb.split(",", 1)[1])))
    assert max(decoded.size) == pdf.THUMB
    data = pdf.render(org, Month(2026, 11), "de")
    assert data.startswith(b"%PDF-") and b"/Image" in data  # the picture is in the PDF
    assert pdf.thumbnail(Post.objects.get(text="Ohne Zahlen")) == ""
