"""The RBAC matrix: every URL name of carecast → the answer each role gets.

``tests/web/test_rbac_matrix.py`` walks the URL configuration and fails for any URL name
that has no row here, so a new view cannot ship without deciding who may use it.

Adding a view
-------------
1. Add one row to ``RULES`` below, in its app's block::

       "web:people": GET(LOGIN, 403, 403, 403, 403, OK),

   The six answers are, in this order (``ROLES``): anonymous, read-only, editor of
   department A (Clara, Geburtshilfe), editor of department B (Dora, Brustzentrum), comms
   team (Ben), lead (Anna). ``OK`` is any 2xx or a redirect that is not to the login page;
   ``LOGIN`` a redirect to the login page; a number is that exact status (403, 404, 401…).
   Use ``POST(...)`` for views that only take POST (the request is sent with ``data``).
   Every request runs in its own rolled-back transaction, so a POST changes nothing for
   the next role.
2. URL arguments are filled by name from the objects of department A in
   ``test_rbac_matrix.world`` (see ``KWARGS``): ``story_id``, ``channel_id``, ``slug``…
   A new argument name needs one line in ``KWARGS``; a view whose argument means something
   else passes ``kwargs={"person_id": lambda w: w.ben.pk}`` in its row.
3. Run ``pytest tests/web/test_rbac_matrix.py -k <url name>``: the failure lists the
   answers each role actually got.

Objects belong to department A, so the editor of department B shows what a department
editor gets for another department's things (usually 404: not even its existence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "viewer", "dept_a", "dept_b", "team", "lead")
OK = "ok"
LOGIN = "login"


@dataclass(frozen=True)
class Rule:
    method: str
    expect: tuple
    data: dict = field(default_factory=dict)
    kwargs: dict[str, Callable] = field(default_factory=dict)
    query: str = ""
    content_type: str | None = None


def GET(*expect, **options) -> Rule:  # noqa: N802 - reads like the HTTP method in the table
    assert len(expect) == len(ROLES), expect
    return Rule("GET", expect, **options)


def POST(*expect, **options) -> Rule:  # noqa: N802
    assert len(expect) == len(ROLES), expect
    return Rule("POST", expect, **options)


# Shorthands for the common rows.
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK)  # anyone with a place in the organisation
PUBLIC = (OK, OK, OK, OK, OK, OK)
PUBLISHERS = (LOGIN, 403, OK, OK, OK, OK)  # everyone but read-only people
TEAM = (LOGIN, 403, 403, 403, OK, OK)  # the communications team (automation, rota)
LEAD = (LOGIN, 403, 403, 403, 403, OK)  # settings of the organisation
OWN_DEPARTMENT = (LOGIN, OK, OK, 404, OK, OK)  # department A's thing, to look at
ACT_OWN_DEPARTMENT = (LOGIN, 403, OK, 404, OK, OK)  # department A's thing, to change
RUN_OWN_SESSION = (LOGIN, 403, OK, 404, OK, OK)  # department A's live session, on the desk


def _upload(w):
    """Clara's video upload, all bytes in (department A's editor started it)."""
    from carecast.media.models import Upload

    return Upload.objects.get_or_create(
        organisation=w.org,
        uploaded_by=w.clara.user,
        defaults={"filename": "rundgang.mp4", "size_bytes": 4, "received": 4},
    )[0]


def _review(w):
    """Department A's story, submitted for approval by Clara (department A's editor)."""
    from carecast.approvals.models import Review

    return Review.objects.get_or_create(
        organisation=w.org,
        story=w.story,
        defaults={"posts": {str(w.channel.pk): ""}, "requested_by": w.clara.user},
    )[0]


def _reply_review(w):
    """Clara's draft reply to department A's comment, waiting for approval."""
    from carecast.approvals.models import ReplyReview

    return ReplyReview.objects.get_or_create(
        organisation=w.org,
        item=w.item,
        defaults={"text": "Ab 14 Uhr.", "requested_by": w.clara.user},
    )[0]


def _ben_token(w):
    from carecast.api.tokens import issue

    return issue(w.ben.user, "Intranet", ["read"])[0]


def _group_role(w):
    from carecast.directory.models import GroupRole

    return GroupRole.objects.get_or_create(organisation=w.org, group="KOMM-Team", role="editor")[0]


def _endpoint(w):
    from carecast.webhooks.models import Endpoint

    return Endpoint.objects.get_or_create(
        organisation=w.org,
        name="Intranet",
        defaults={"url": "https://intranet.example/hook", "events": ["published"]},
    )[0]


REVIEW = {"review_id": lambda w: _review(w).pk}
UPLOAD = {"upload_id": lambda w: _upload(w).pk}
REPLY_REVIEW = {"review_id": lambda w: _reply_review(w).pk}
CAMPAIGN = {"campaign_id": lambda w: _campaign(w).pk}
# Deciding on Clara's submission: the comms team and the lead; Clara not on her own.
DECIDE = (LOGIN, 403, 403, 404, OK, OK)

# URL names not in the matrix, and why.
EXEMPT = {
    "set_language": "Django's language switch: public by design",
    "login": "the login page itself",
    "logout": "Django's logout: POST only, harmless for anyone",
}
EXEMPT_NAMESPACES = {"admin": "Django's admin checks is_staff itself"}

RULES: dict[str, Rule] = {
    # --- public -------------------------------------------------------------------------
    "channel-feed": GET(*PUBLIC, kwargs={"channel_id": lambda w: w.feed.pk}),
    "channel-feed-atom": GET(*PUBLIC, kwargs={"channel_id": lambda w: w.feed.pk}),
    # Instagram and Threads fetch media by URL: a signed, expiring token is the only key.
    "public_media": GET(*PUBLIC, kwargs={"token": lambda w: _media_token(w.asset)}),
    # Load balancers and Prometheus: no sign-in. Health is 503 for all (no worker runs in
    # the matrix); metrics answer the allowlisted address (the test client is 127.0.0.1).
    "ops:healthz": GET(503, 503, 503, 503, 503, 503),
    "ops:metrics": GET(*PUBLIC),
    "live:audience": GET(*PUBLIC),
    "live:board": GET(*PUBLIC),
    "live:ask": POST(*PUBLIC, data={"text": "Wann ist Besuchszeit im Kreißsaal?"}),
    "live:vote": POST(*PUBLIC, kwargs={"question_id": lambda w: w.public_question.pk}),
    # --- API ----------------------------------------------------------------------------
    "api-v1:openapi-json": GET(LOGIN, OK, OK, OK, OK, OK),
    "api-v1:openapi-view": GET(LOGIN, OK, OK, OK, OK, OK),
    "api-v1:api-root": GET(404, 404, 404, 404, 404, 404),
    "api-v1:count": POST(
        401,
        OK,
        OK,
        OK,
        OK,
        OK,
        data='{"text": "Hallo", "channels": []}',
        content_type="application/json",
    ),
    "api-v1:publications": GET(
        401, OK, OK, OK, OK, OK, query="start=2026-11-01T00:00&end=2026-11-30T00:00"
    ),
    "api-v1:channels": GET(401, OK, OK, OK, OK, OK),
    "api-v1:posts": GET(401, OK, OK, OK, OK, OK),
    "api-v1:inbox": GET(401, OK, OK, OK, OK, OK),
    # Read-only people may not write (403); the others are told the channel is not theirs.
    "api-v1:create_story": POST(
        401,
        403,
        422,
        422,
        422,
        422,
        data='{"title": "T", "text": "Hallo", "channels": [999999]}',
        content_type="application/json",
    ),
    "api-v1:cancel_post": POST(
        401, 403, OK, 404, OK, OK, kwargs={"post_id": lambda w: w.publication.pk}
    ),
    # A person's own tokens: Ben's token is revoked by Ben only, everyone else gets 404.
    "api_tokens:list": GET(*SIGNED_IN),
    "api_tokens:revoke": POST(
        LOGIN, 404, 404, 404, OK, 404, kwargs={"token_id": lambda w: _ben_token(w).pk}
    ),
    # Sign-in with the directory: off (404) without CARECAST_OIDC_ISSUER, as here; the
    # group → role mapping is the lead's.
    "directory:start": GET(404, 404, 404, 404, 404, 404),
    "directory:callback": GET(404, 404, 404, 404, 404, 404),
    "directory:mapping": GET(*LEAD),
    "directory:delete": POST(*LEAD, kwargs={"mapping_id": lambda w: _group_role(w).pk}),
    # Outgoing webhooks: the lead's (another organisation's endpoint would be 404).
    "webhooks:list": GET(*LEAD),
    "webhooks:detail": GET(*LEAD, kwargs={"endpoint_id": lambda w: _endpoint(w).pk}),
    "webhooks:delete": POST(*LEAD, kwargs={"endpoint_id": lambda w: _endpoint(w).pk}),
    # Two-factor sign-in: each person's own (login_required; no device yet means nothing to do).
    "twofactor:status": GET(*SIGNED_IN),
    "twofactor:setup": GET(*SIGNED_IN),
    "twofactor:verify": GET(*SIGNED_IN),
    "twofactor:recovery_codes": POST(*SIGNED_IN),
    "twofactor:disable": POST(*SIGNED_IN),
    # Personal data: the lead's (records; one person found, exported, erased).
    "privacy:records": GET(*LEAD),
    "privacy:requests": GET(*LEAD, query="q=lena"),
    "privacy:export": POST(*LEAD, data={"pick": "commenter:lena"}),
    "privacy:erase": POST(*LEAD, data={"pick": "commenter:lena"}),
    "privacy:erased": GET(*LEAD),
    # --- the desk -----------------------------------------------------------------------
    "web:dashboard": GET(*SIGNED_IN),
    "web:stories": GET(*SIGNED_IN),
    "web:story_new": GET(*PUBLISHERS),
    "web:story_detail": GET(*OWN_DEPARTMENT),
    "web:story_edit": GET(*ACT_OWN_DEPARTMENT),
    # The composer's live previews compute from what was typed; channels are filtered by
    # ``rights.channels_for`` (another department's channel gives an empty panel).
    "web:compose_live_variants": POST(*SIGNED_IN),
    "web:compose_live_variant": POST(*SIGNED_IN),
    "web:compose_live_due": POST(*SIGNED_IN),
    "web:compose_upload": POST(LOGIN, 403, OK, OK, OK, OK),
    "web:calendar": GET(*SIGNED_IN),
    "web:publication": GET(*OWN_DEPARTMENT),
    "web:publication_cancel": POST(*ACT_OWN_DEPARTMENT),
    "web:publication_resend": POST(*ACT_OWN_DEPARTMENT),
    "web:publication_confirm": POST(*ACT_OWN_DEPARTMENT),
    "web:channels": GET(*SIGNED_IN),
    # --- media --------------------------------------------------------------------------
    "web:media": GET(*OWN_DEPARTMENT),
    "web:media_library": GET(*SIGNED_IN),
    "web:media_upload": POST(*PUBLISHERS),
    "web:media_asset": GET(*OWN_DEPARTMENT),
    "web:media_person_new": GET(*ACT_OWN_DEPARTMENT),
    "web:media_person_edit": GET(*ACT_OWN_DEPARTMENT),
    "web:media_consent_document": GET(*OWN_DEPARTMENT),
    "web:media_withdraw": GET(*ACT_OWN_DEPARTMENT),
    "web:media_withdrawn": GET(*OWN_DEPARTMENT),
    # Video: a chunked upload is continued and read only by the person who started it.
    "web:video_upload_start": POST(*PUBLISHERS, data={"name": "tanz.mp4", "size": "10"}),
    "web:video_upload_piece": GET(LOGIN, 403, OK, 404, 404, 404, kwargs=UPLOAD),
    "web:video_upload_finish": POST(LOGIN, 403, OK, 404, 404, 404, kwargs=UPLOAD),
    "web:video_upload_item": GET(LOGIN, 404, OK, 404, 404, 404, kwargs=UPLOAD),
    "web:media_fit": POST(*ACT_OWN_DEPARTMENT),
    "web:media_renditions": GET(*OWN_DEPARTMENT),
    # --- live consultation (the desk side) ----------------------------------------------
    "live:sessions": GET(*PUBLISHERS),
    "live:new": GET(*PUBLISHERS),
    "live:moderate": GET(*RUN_OWN_SESSION),
    "live:queue": GET(*RUN_OWN_SESSION),
    "live:act": POST(*RUN_OWN_SESSION, kwargs={"action": lambda w: "reject"}),
    "live:merge": POST(*RUN_OWN_SESSION),
    "live:present": GET(*RUN_OWN_SESSION),
    "live:present_board": GET(*RUN_OWN_SESSION),
    "live:setup": GET(*RUN_OWN_SESSION),
    "live:announce": POST(*RUN_OWN_SESSION),
    "live:recap": POST(*RUN_OWN_SESSION),
    "live:csv": GET(*RUN_OWN_SESSION),
    # --- inbox --------------------------------------------------------------------------
    "inbox:list": GET(*SIGNED_IN),
    "inbox:item": GET(*OWN_DEPARTMENT),
    "inbox:reply": POST(*ACT_OWN_DEPARTMENT, data={"text": "Danke für Ihre Nachricht!"}),
    "inbox:status": POST(*ACT_OWN_DEPARTMENT, data={"status": "done"}),
    "inbox:erase": POST(LOGIN, 403, 403, 404, OK, OK),
    "inbox:hide": POST(*ACT_OWN_DEPARTMENT),
    "inbox:settle": POST(*ACT_OWN_DEPARTMENT, data={"arrived": "1"}),
    "inbox:assign": POST(*ACT_OWN_DEPARTMENT, data={"person": ""}),
    "inbox:note": POST(*ACT_OWN_DEPARTMENT, data={"text": "Station 3 ist informiert."}),
    "inbox:saved_replies": GET(*SIGNED_IN),
    "inbox:saved_reply": GET(*LEAD, kwargs={"saved_id": lambda w: _saved_reply(w)}),
    "inbox:saved_reply_delete": POST(*LEAD, kwargs={"saved_id": lambda w: _saved_reply(w)}),
    "inbox:spike_settings": POST(
        *LEAD, data={"threshold": "5", "window_minutes": "60", "factor": "3"}
    ),
    "inbox:spike_seen": POST(*ACT_OWN_DEPARTMENT, kwargs={"spike_id": lambda w: _spike(w)}),
    "inbox:duty": GET(*SIGNED_IN),
    "inbox:duty_take": POST(*TEAM),
    "inbox:retention": POST(*LEAD, data={"comment_retention_days": "30"}),
    "inbox:duty_delete": POST(*TEAM),
    # Meta's webhook address: off (404) without a verify token and a public address, as here;
    # when on, Meta proves itself by the token and the body's signature, not by a sign-in.
    "inbox:meta_webhook": GET(404, 404, 404, 404, 404, 404),
    # --- automation ---------------------------------------------------------------------
    "automation:sources": GET(*TEAM),
    "automation:source": GET(*TEAM),
    "automation:source_fetch": POST(*TEAM),
    "automation:source_pause": POST(*TEAM),
    "automation:source_delete": POST(*TEAM),
    "automation:rules": GET(*TEAM),
    "automation:rule": GET(*TEAM),
    "automation:rule_run": POST(*TEAM),
    "automation:gaps": GET(*TEAM),
    "automation:channel_settings": POST(*TEAM),
    "automation:days": GET(*TEAM),
    "automation:days_remind": POST(*TEAM),
    "automation:day": GET(*TEAM),
    "automation:trends": GET(*TEAM),
    "automation:trends_refresh": POST(*TEAM),
    "automation:trend_draft": POST(*TEAM),
    "automation:trend_dismiss": POST(*TEAM),
    # --- set-up, people, departments, channel connections (register new pages here) ----
    # First start only: once an organisation exists the setup page is gone for everyone.
    "web:setup": GET(404, 404, 404, 404, 404, 404),
    "web:people": GET(*LEAD),
    "web:organisation": GET(*LEAD),
    "web:audit": GET(*LEAD),
    "web:audit_csv": GET(*LEAD),
    "web:person_new": GET(*LEAD),
    "web:person_edit": GET(*LEAD, kwargs={"person_id": lambda w: w.clara.pk}),
    "web:person_active": POST(*LEAD, kwargs={"person_id": lambda w: w.clara.pk}),
    "web:person_reinvite": POST(*LEAD, kwargs={"person_id": lambda w: w.clara.pk}),
    # An invitation link is for someone not signed in yet; an unknown one is gone (410).
    "web:invitation": GET(410, 410, 410, 410, 410, 410),
    "web:departments": GET(*TEAM),
    "web:department_edit": GET(*LEAD),
    "web:department_archive": POST(*LEAD),
    "web:channel": GET(*OWN_DEPARTMENT),
    "web:channel_settings": GET(LOGIN, 403, 403, 404, OK, OK),
    "web:channel_pause": POST(LOGIN, 403, 403, 404, OK, OK),
    "web:channel_resume": POST(LOGIN, 403, 403, 404, OK, OK),
    "web:channel_archive": POST(LOGIN, 403, 403, 404, OK, OK),
    "web:channel_connect": GET(*TEAM),
    "web:channel_connect_callback": GET(*TEAM),
    "web:channel_reconnect": GET(*TEAM),
    # --- approvals (Freigaben) ----------------------------------------------------------
    "web:reviews": GET(*PUBLISHERS),
    "web:review": GET(*OWN_DEPARTMENT, kwargs=REVIEW),
    "web:review_decide": POST(
        *DECIDE, kwargs=REVIEW, data={"decision": "changes", "comment": "Bitte kürzer."}
    ),
    # Only after a late approval; otherwise the page says why (a redirect with a message).
    "web:review_new_time": POST(*OWN_DEPARTMENT, kwargs=REVIEW, data={"due": "2030-01-01T10:00"}),
    "web:reply_rules": POST(*LEAD, data={"labels": ["complaint"]}),
    "web:channel_rule": POST(*LEAD, data={"mode": "everyone"}),
    "web:department_rule": POST(*LEAD, data={"mode": "department_editors"}),
    "web:reply_review": GET(*OWN_DEPARTMENT, kwargs=REPLY_REVIEW),
    "web:reply_review_decide": POST(
        *DECIDE, kwargs=REPLY_REVIEW, data={"decision": "reject", "comment": "Bitte freundlicher."}
    ),
    # --- analytics (issue 14) -----------------------------------------------------------
    # The redirect of a tracked link is for the whole world; it reveals only its target.
    "tracked-link": GET(*PUBLIC, kwargs={"code": lambda w: _tracked_link(w).code}),
    "analytics:campaigns": GET(*SIGNED_IN),
    "analytics:campaign": GET(*SIGNED_IN, kwargs=CAMPAIGN),
    "analytics:campaign_add_story": POST(*TEAM, kwargs=CAMPAIGN),
    "analytics:applications": GET(*SIGNED_IN),
    "analytics:applications_import": POST(*TEAM),
    # Signed by the applicant system, never by a session: unsigned is 401 for everyone.
    "analytics:application_hook": POST(
        401, 401, 401, 401, 401, 401, kwargs={"slug": lambda w: w.org.slug}
    ),
    "analytics:visits": GET(*SIGNED_IN),
    "analytics:visits_import": POST(*TEAM),
    "analytics:visits_matomo": POST(*TEAM),
    "analytics:settings": GET(*LEAD),
    "analytics:webhook_secret": POST(*LEAD),
    "analytics:export": GET(
        *SIGNED_IN, kwargs={"table": lambda w: "applications", "fmt": lambda w: "xlsx"}
    ),
    # --- peer hospitals, dashboard and monthly report (issue 14, part B) ------------------
    "peers:ranking": GET(*SIGNED_IN),
    "peers:add": POST(LOGIN, 403, 403, 403, 403, 400, data={"network": "mastodon", "profile": ""}),
    "peers:remove": POST(*LEAD, kwargs={"peer_id": lambda w: _peer(w).pk}),
    "peers:count": POST(*LEAD),
    "peers:export": GET(*SIGNED_IN, kwargs={"fmt": lambda w: "xlsx"}),
    "reports:chart_table": GET(
        *SIGNED_IN, kwargs={"chart": lambda w: "times", "fmt": lambda w: "csv"}
    ),
    "reports:dashboard": GET(*SIGNED_IN),
    # Organisation-wide numbers: not for department editors (their dashboard is scoped).
    "reports:report": GET(LOGIN, OK, 403, 403, OK, OK),
    "reports:pdf": GET(LOGIN, OK, 403, 403, OK, OK, kwargs={"month": lambda w: "2026-11"}),
    "reports:settings": POST(*LEAD, data={"recipients": "leitung@klinikum.test", "language": "de"}),
}


def _media_token(asset) -> str:
    """The signed token of ``asset``'s public media URL (what Instagram is given)."""
    from pathlib import Path

    from carecast.lib.media_urls import signed_url

    return signed_url(Path(asset.file.path)).rstrip("/").rsplit("/", 1)[1]


def _campaign(w):
    from carecast.stories.models import Campaign

    return Campaign.objects.get_or_create(organisation=w.org, name="#GameChanger")[0]


def _tracked_link(w):
    from carecast.analytics.models import TrackedLink

    return TrackedLink.objects.get_or_create(
        code="rbacLink01",
        defaults={
            "organisation": w.org,
            "target_url": "https://klinikum.test/karriere",
            "utm_source": "mastodon",
            "utm_campaign": "carecast",
        },
    )[0]


def _peer(w):
    from carecast.peers.models import Peer

    return Peer.objects.get_or_create(
        organisation=w.org, network="mastodon", handle="team@uniklinik.example", name="Uniklinik"
    )[0]


def _saved_reply(w) -> int:
    """The organisation's one saved reply (made on first use)."""
    from carecast.inbox.models import SavedReply

    saved, _ = SavedReply.objects.get_or_create(
        organisation=w.item.organisation, title="Danke", defaults={"text": "Danke, {name}!"}
    )
    return saved.pk


def _spike(w) -> int:
    """An open spike of negative comments on department A's channel."""
    from django.utils import timezone

    from carecast.inbox.models import SpikeAlert

    now = timezone.now()
    alert, _ = SpikeAlert.objects.get_or_create(
        channel=w.item.channel,
        post_id="",
        ended_at=None,
        defaults={"organisation": w.item.organisation, "started_at": now, "last_at": now},
    )
    return alert.pk
