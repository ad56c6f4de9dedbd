"""One person's data, for each kind of person: the ZIP holds it, an erasure removes it from
every table (searched column by column afterwards), and the audit log keeps no erased word."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django_otp.plugins.otp_totp.models import TOTPDevice

from carecast.api.models import ApiToken
from carecast.approvals.models import ReplyReview
from carecast.core import audit
from carecast.core.models import AuditLog, Person, Role
from carecast.directory.models import DirectoryAccount
from carecast.inbox.models import InboxItem, InboxReply
from carecast.live.models import LiveSession, Question, Upvote
from carecast.privacy.sweep import mentions
from carecast.publishing.models import Publication, State
from carecast.reports.models import ReportSettings
from carecast.stories.models import MediaAsset, PersonShown
from carecast.webhooks.models import Delivery, Endpoint
from tests.web.conftest import login

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def everywhere(*words: str) -> list:
    """Every (table, column) of the whole database that still holds one of the words."""
    return [m for word in words for m in mentions(word)]


def zip_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def erase(client, *picks: str, q: str = ""):
    return client.post(
        "/settings/personal-data/requests/erase/", {"pick": list(picks), "confirm": "yes", "q": q}
    )


def erasure_entry() -> AuditLog:
    entry = AuditLog.objects.get(action="privacy.erased")
    return entry


def stored(entry: AuditLog) -> str:
    return json.dumps([entry.subject, entry.detail], ensure_ascii=False)


# ---------- a commenter ----------


@pytest.fixture
def comments(org, mastodon):
    def item(remote_id, author, text, author_id=""):
        return InboxItem.objects.create(
            organisation=org,
            channel=mastodon,
            remote_id=remote_id,
            author=author,
            author_id=author_id,
            text=text,
            received_at=NOW,
        )

    first = item(
        "1", "lena_kowalczyk", "Meine Mutter liegt auf Station Kranich, Besuchszeit?", "a9x"
    )
    InboxReply.objects.create(item=first, text="Liebe Frau Kowalczyk, ab 14 Uhr.", state="sent")
    ReplyReview.objects.create(organisation=org, item=first, text="Liebe Frau Kowalczyk, gern.")
    second = item("2", "@lena_kowalczyk", "Danke, Station Kranich war sehr freundlich.")
    endpoint = Endpoint.objects.create(organisation=org, name="Leitstelle", url="https://x.test/h")
    Delivery.objects.create(
        endpoint=endpoint,
        event="emergency_comment",
        key=str(first.pk),
        payload={
            "event": "emergency_comment",
            "data": {"author": first.author, "text": first.text},
        },
        next_try_at=NOW,
    )
    other = item("3", "tom", "Gibt es Parkplätze?")
    return first, second, other


def test_it_exports_a_commenters_comments_replies_and_drafts(anna, comments):
    client = login(anna)
    response = client.post(
        "/settings/personal-data/requests/export/", {"pick": "commenter:lena_kowalczyk"}
    )
    archive = zip_of(response)
    data = json.loads(archive.read("kommentare.json"))
    person = data["people"][0]
    assert [c["text"] for c in person["comments"]] == [
        "Meine Mutter liegt auf Station Kranich, Besuchszeit?",
        "Danke, Station Kranich war sehr freundlich.",
    ]
    assert person["comments"][0]["replies"] == ["Liebe Frau Kowalczyk, ab 14 Uhr."]
    assert person["replies_waiting_for_approval"] == ["Liebe Frau Kowalczyk, gern."]
    assert data["controller"] == "Klinikum Musterstadt"
    readme = archive.read("LIESMICH.txt").decode()
    assert "Auskunft" in readme and "kommentare.json" in readme
    assert AuditLog.objects.get(action="privacy.exported").detail == {"kind": "commenter"}


def test_it_erases_a_commenter_everywhere_and_audits_no_erased_word(anna, comments):
    first, second, other = comments
    assert len(everywhere("kowalczyk")) >= 4  # the search below would see them
    response = erase(login(anna), "commenter:lena_kowalczyk")
    assert response.status_code == 302
    assert everywhere("kowalczyk", "Kranich", "Besuchszeit") == []
    for item in (first, second):
        item.refresh_from_db()
        assert item.erased_at == NOW and item.text == item.author == ""
    assert Delivery.objects.get().payload["data"] == {"author": "", "text": "", "url": ""}
    other.refresh_from_db()
    assert other.text == "Gibt es Parkplätze?"
    entry = erasure_entry()
    assert entry.detail["kind"] == "commenter" and entry.detail["comments"] == 2
    assert "lena" not in stored(entry)


# ---------- a person shown in media ----------


@pytest.fixture
def shown_in_photo(org, anna, mastodon, bluesky, publication_factory):
    asset = MediaAsset.objects.create(organisation=org, mime_type="image/jpeg")
    asset.file.save("visite.jpg", ContentFile(b"\xff\xd8 the picture"), save=True)
    person = PersonShown.objects.create(
        asset=asset,
        name="Henrike Vogelsang",
        consent=PersonShown.Consent.GIVEN,
        consent_all_channels=True,
        consent_reference="EV-Vogelsang-2026",
        is_patient=True,
    )
    person.consent_document.save("einwilligung.pdf", ContentFile(b"%PDF signed"), save=True)
    audit.record(org, "consent.recorded", person.name, actor=anna.user, asset=asset.pk)
    public = publication_factory(mastodon, state=State.PUBLISHED, title="Visite")
    planned = publication_factory(bluesky, state=State.SCHEDULED, title="Visite am Abend")
    for publication in (public, planned):
        publication.variant.story.media.add(asset)
    return person, public, planned


def test_it_exports_consents_pictures_and_public_posts_of_a_person_shown(anna, shown_in_photo):
    person, public, _planned = shown_in_photo
    response = login(anna).post(
        "/settings/personal-data/requests/export/", {"pick": "shown:henrike vogelsang"}
    )
    archive = zip_of(response)
    data = json.loads(archive.read("abgebildete-person.json"))
    consent = data["people"][0]["consents"][0]
    assert consent["name"] == "Henrike Vogelsang" and consent["patient"] is True
    assert data["people"][0]["published_posts"] == [
        {"channel": public.channel.name, "url": public.remote_url}
    ]
    names = archive.namelist()
    pictures = [n for n in names if n.startswith("medien/")]
    forms = [n for n in names if n.startswith("einwilligungen/")]
    assert archive.read(pictures[0]) == b"\xff\xd8 the picture"
    assert archive.read(forms[0]) == b"%PDF signed"


def test_it_erases_a_person_shown_keeping_only_the_withdrawal(
    anna, shown_in_photo, django_capture_on_commit_callbacks
):
    person, public, planned = shown_in_photo
    document = person.consent_document
    assert {m.model for m in everywhere("Vogelsang")} == {"stories.PersonShown", "core.AuditLog"}
    client = login(anna)
    with django_capture_on_commit_callbacks(execute=True):
        response = erase(client, "shown:Henrike Vogelsang")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert public.remote_url in page  # to be deleted on the network by hand
    assert everywhere("Vogelsang", "Henrike") == []
    person.refresh_from_db()
    assert person.consent == PersonShown.Consent.WITHDRAWN and person.withdrawn_at == NOW
    assert person.name.startswith("person-") and not person.consent_document
    assert not document.storage.exists(document.name)
    assert Publication.objects.get(pk=planned.pk).state == State.CANCELLED
    recorded = AuditLog.objects.get(action="consent.recorded")
    assert recorded.subject == person.name  # the history stays, under the pseudonym
    entry = erasure_entry()
    assert entry.detail["consent_records"] == 1 and "Vogelsang" not in stored(entry)


# ---------- a question asker ----------


@pytest.fixture
def questions(org):
    session = LiveSession.objects.create(
        organisation=org,
        title="Sprechstunde Knie",
        slug="knie",
        starts_at=NOW - dt.timedelta(hours=2),
        ends_at=NOW - dt.timedelta(hours=1),
    )

    def ask(text, nickname, client):
        return Question.objects.create(
            session=session, text=text, public_text=text, nickname=nickname, client=client
        )

    mine = ask("Wann darf ich nach der Meniskus-OP wieder joggen?", "Quirin Falkenhayn", "c1")
    ask("Und Radfahren nach der Meniskus-OP?", "", "c1")
    other = ask("Hilft Physiotherapie?", "Maja", "c2")
    Upvote.objects.create(question=other, client="c1")
    Question.objects.filter(pk=other.pk).update(votes=1)
    return mine, other


def test_it_exports_an_askers_questions(anna, questions):
    client = login(anna)
    page = client.get("/settings/personal-data/requests/", {"q": "Falkenhayn"}).content.decode()
    assert 'value="asker:c1"' in page and "2 Fragen" in page
    archive = zip_of(client.post("/settings/personal-data/requests/export/", {"pick": "asker:c1"}))
    asked = json.loads(archive.read("live-fragen.json"))["people"][0]["questions"]
    assert [q["question"] for q in asked] == [
        "Wann darf ich nach der Meniskus-OP wieder joggen?",
        "Und Radfahren nach der Meniskus-OP?",
    ]
    assert asked[0]["name"] == "Quirin Falkenhayn" and asked[0]["session"] == "Sprechstunde Knie"


def test_it_erases_an_askers_questions_and_votes(anna, questions):
    _mine, other = questions
    assert everywhere("Falkenhayn")
    assert erase(login(anna), "asker:c1").status_code == 302
    assert everywhere("Falkenhayn", "Meniskus") == []
    assert list(Question.objects.values_list("text", flat=True)) == ["Hilft Physiotherapie?"]
    other.refresh_from_db()
    assert other.votes == 0 and not Upvote.objects.exists()
    entry = erasure_entry()
    assert entry.detail["questions"] == 2 and entry.detail["upvotes"] == 1
    assert "Quirin" not in stored(entry)


# ---------- a team member ----------


@pytest.fixture
def bettina(org, anna):
    from axes.models import AccessAttempt

    user = get_user_model().objects.create_user(
        "bquast", "bettina.quast@klinikum.test", "pw", first_name="Bettina", last_name="Quastenberg"
    )
    person = Person.objects.create(user=user, organisation=org, role=Role.EDITOR)
    ApiToken.objects.create(user=user, name="Skript", prefix="cc_1", digest="d" * 64)
    TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    DirectoryAccount.objects.create(person=person, issuer="https://idp.test", subject="sub-bq-77")
    audit.record(org, "person.role_changed", str(person), actor=anna.user, before=["viewer"])
    audit.record(org, "story.saved", "Neuer MRT", actor=user, story=1)
    ReportSettings.objects.create(
        organisation=org, recipients="vorstand@klinikum.test\nbettina.quast@klinikum.test"
    )
    AccessAttempt.objects.create(
        username="bquast",
        ip_address="127.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    return person


def test_it_exports_a_team_members_account(anna, bettina):
    archive = zip_of(
        login(anna).post("/settings/personal-data/requests/export/", {"pick": "member:bquast"})
    )
    data = json.loads(archive.read("benutzerkonto.json"))["people"][0]
    assert data["account"]["email"] == "bettina.quast@klinikum.test"
    assert data["directory"] == {"issuer": "https://idp.test", "subject": "sub-bq-77"}
    assert data["access_tokens"][0]["name"] == "Skript"
    assert data["two_factor_devices"][0]["name"] == "Telefon"
    assert [e["action"] for e in data["audit_log"]] == ["story.saved"]


def test_it_erases_a_team_member_keeping_the_trail_under_a_pseudonym(anna, bettina):
    held = {m.model for m in everywhere("Quastenberg", "bquast", "sub-bq-77")}
    assert {
        "auth.User",
        "core.AuditLog",
        "axes.AccessAttempt",
        "directory.DirectoryAccount",
    } <= held
    assert erase(login(anna), "member:bquast").status_code == 302
    assert everywhere("Quastenberg", "bquast", "bettina.quast", "sub-bq-77") == []
    user = get_user_model().objects.get(pk=bettina.user_id)
    assert user.username.startswith("geloescht-") and not user.is_active and user.email == ""
    assert not user.has_usable_password()
    assert not ApiToken.objects.exists() and not TOTPDevice.objects.exists()
    assert ReportSettings.objects.get().recipient_list == ["vorstand@klinikum.test"]
    assert AuditLog.objects.get(action="story.saved").actor == user  # what they did stays
    assert AuditLog.objects.get(action="person.role_changed").subject == user.username
    entry = erasure_entry()
    assert entry.subject == user.username and "Bettina" not in stored(entry)


def test_it_refuses_to_erase_the_last_lead_or_oneself(anna, ben):
    client = login(anna)
    page = erase(client, "member:anna").content.decode()
    assert "Sie können Ihr eigenes Konto nicht löschen." in page
    assert get_user_model().objects.get(username="anna").is_active
    assert not AuditLog.objects.filter(action="privacy.erased").exists()


# ---------- an applicant (by the applicant system's reference) ----------


def test_it_exports_and_erases_an_application_by_its_reference(anna, org, mastodon):
    from carecast.analytics.models import JobApplication

    JobApplication.objects.create(
        organisation=org,
        external_id="BW-2026-4711",
        received_at=NOW,
        job_title="Pflegefachkraft",
        channel=mastodon,
        source="csv",
    )
    client = login(anna)
    page = client.get("/settings/personal-data/requests/", {"q": "BW-2026-4711"}).content.decode()
    assert 'value="applicant:BW-2026-4711"' in page
    export = client.post(
        "/settings/personal-data/requests/export/", {"pick": "applicant:BW-2026-4711"}
    )
    applications = json.loads(zip_of(export).read("bewerbungen.json"))["people"][0]
    assert applications["applications"][0]["job"] == "Pflegefachkraft"
    assert erase(client, "applicant:BW-2026-4711").status_code == 302
    assert everywhere("BW-2026-4711") == []
    assert JobApplication.objects.get().channel == mastodon  # still counts for the post
    assert erasure_entry().detail["applications"] == 1
