"""The record of processing (GDPR Art. 30) as one table: every store of personal data.

The page ``privacy:records`` is rendered from ``STORES``; ``unlisted_fields`` walks every
installed model and names each field that sounds personal (e-mail, name, nickname, address,
author, user …) but is in no store and not in ``NOT_PERSONAL`` — a test keeps that list
empty, so a new model holding people's data fails until it is described here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Store:
    key: str
    title: Promise
    # "app_label.Model" → the fields that hold this store's personal data.
    fields: dict[str, tuple[str, ...]]
    data: Promise
    purpose: Promise
    basis: Promise
    retention: Promise
    # Which kind of person a request for this store is about (``privacy.people.KINDS``).
    kind: str = ""


STORES: tuple[Store, ...] = (
    Store(
        "comments",
        _("Comments and mentions"),
        {
            "inbox.InboxItem": ("author", "author_id", "text", "url"),
            "inbox.InboxReply": ("text", "author"),
            "inbox.InboxNote": ("text", "author"),
            "approvals.ReplyReview": ("text", "comment"),
            "webhooks.Delivery": ("payload",),
        },
        _(
            "Text, name, link and network id of people who comment on the hospital's channels; "
            "the hospital's replies, internal notes and replies waiting for approval; emergency "
            "comments passed on to the hospital's own systems by webhook."
        ),
        _("To answer questions and to spot emergencies on the hospital's channels."),
        _(
            "Legitimate interest (Art. 6(1)(f) GDPR); joint controllership with the network "
            "for the page's comments (Art. 26 GDPR)."
        ),
        _("The organisation's comment retention period, then erased automatically."),
        kind="commenter",
    ),
    Store(
        "people_shown",
        _("People shown in media"),
        {
            "stories.PersonShown": (
                "name",
                "consent_reference",
                "consent_purpose",
                "consent_document",
                "consent",
            ),
            "stories.MediaAsset": ("file", "poster", "thumbnails", "alt_text", "credit"),
            "media.Rendition": ("file",),
            "media.Upload": ("filename",),
        },
        _(
            "Name, consent, its scope and end, and the signed consent form; the pictures and "
            "videos showing the person."
        ),
        _("To publish pictures and videos of people only with their consent."),
        _(
            "Consent (Art. 6(1)(a) and, for health data, Art. 9(2)(a) GDPR; § 22 KUG) and, for "
            "patients, release from medical confidentiality."
        ),
        _(
            "As long as the picture is in the media library. A withdrawal stops every post "
            "that uses it; an erasure keeps only the withdrawal, without a name."
        ),
        kind="shown",
    ),
    Store(
        "questions",
        _("Questions in live consultations"),
        {
            "live.Question": (
                "text",
                "public_text",
                "nickname",
                "client",
                "origin",
                "remote_id",
                "remote_url",
                "answer_note",
            ),
            "live.Upvote": ("client", "origin"),
            "live.Alert": ("recipient", "email_error"),
        },
        _(
            "The question's words, the name given with it (optional), keyed hashes of the "
            "browser and the address (never the address itself), upvotes."
        ),
        _("To answer the questions in the session and to keep floods out."),
        _("Consent by asking (Art. 6(1)(a) GDPR)."),
        _("Deleted a set number of days after the session ended."),
        kind="asker",
    ),
    Store(
        "team",
        _("Team members"),
        {
            "auth.User": ("username", "first_name", "last_name", "email", "password"),
            "core.Person": ("user",),
            "core.Invitation": ("person",),
            "directory.DirectoryAccount": ("person", "subject"),
            "otp_totp.TOTPDevice": ("user", "name"),
            "otp_static.StaticDevice": ("user", "name"),
            "api.ApiToken": ("user", "name"),
            "inbox.DutyShift": ("person",),
            "inbox.Notification": ("recipient", "email_error"),
            "approvals.Notice": ("recipient", "email_error", "actor"),
            "admin.LogEntry": ("user",),
            "reports.ReportSettings": ("recipients",),
        },
        _(
            "Name, e-mail, user name, role, department, the directory's id, two-factor devices, "
            "access tokens, duty shifts and notices; the addresses the monthly report goes to."
        ),
        _("To run the desk: sign-in, rights, duty, notices."),
        _("Employment (Art. 6(1)(b) GDPR, § 26 BDSG)."),
        _(
            "While the account exists. An erased account is deactivated and renamed to a "
            "pseudonym; what the person did stays under it."
        ),
        kind="member",
    ),
    Store(
        "audit",
        _("Audit log"),
        {"core.AuditLog": ("actor", "subject", "detail")},
        _("Who did what and when, with the name of the thing it was about."),
        _("To show who published, approved or erased what (accountability)."),
        _("Legal obligation and legitimate interest (Art. 5(2), Art. 6(1)(c) and (f) GDPR)."),
        _("As long as the organisation keeps it; erased people appear under a pseudonym."),
    ),
    Store(
        "sign_in",
        _("Failed sign-ins"),
        {
            "axes.AccessAttempt": ("username", "ip_address", "user_agent"),
            "axes.AccessLog": ("username", "ip_address", "user_agent"),
            "axes.AccessFailureLog": ("username", "ip_address", "user_agent"),
        },
        _("User name, address and browser of failed sign-ins."),
        _("To slow down password guessing."),
        _("Legitimate interest in secure systems (Art. 6(1)(f), Art. 32 GDPR)."),
        _("Until the pause ends or a successful sign-in; erased with the account."),
        kind="member",
    ),
    Store(
        "integrations",
        _("Access tokens and webhooks"),
        {"webhooks.Endpoint": ("name", "created_by")},
        _("A fingerprint of each token and when it was last used; the webhooks' delivery log."),
        _("For the hospital's own systems."),
        _("Legitimate interest (Art. 6(1)(f) GDPR)."),
        _("Until the token or webhook is revoked or deleted."),
    ),
    Store(
        "applications",
        _("Job applications"),
        {"analytics.JobApplication": ("external_id",)},
        _(
            "The applicant system's reference, the job and where the application came from; "
            "never the applicant's name or contact."
        ),
        _("To count which posts bring applications."),
        _("Legitimate interest (Art. 6(1)(f) GDPR); pseudonymous."),
        _("As long as the organisation keeps its numbers."),
        kind="applicant",
    ),
)

# Fields whose names sound personal but hold the name of a thing, a hash of a secret or the
# network's id of the hospital's own account.
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    "auth.Permission": ("name",),
    "auth.Group": ("name",),
    "auth.User": ("user_permissions",),
    "core.Organisation": ("name",),
    "core.Department": ("name",),
    "networks.Channel": ("name", "remote_user_id"),  # the hospital's own account
    "networks.ServerApp": ("client_id", "client_secret_encrypted"),
    "stories.Campaign": ("name",),
    "automation.Source": ("name",),
    "automation.Rule": ("name",),
    "automation.AwarenessDay": ("name",),
    "automation.TrendSuggestion": ("origin",),
    "peers.Peer": ("name",),  # another hospital's public account
}

SOUNDS_PERSONAL = re.compile(
    r"(^|_)(e?mail|name|nickname|ip|author|username|user|phone|client|origin|subject|agent"
    r"|person|recipient|address|actor)s?($|_)"
)


def listed(label: str, field: str) -> bool:
    if field in NOT_PERSONAL.get(label, ()):
        return True
    return any(field in store.fields.get(label, ()) for store in STORES)


def unlisted_fields(models=None) -> list[str]:
    """ "app.Model.field" for each field that sounds personal and is described nowhere."""
    found = []
    for model in models if models is not None else apps.get_models():
        label = model._meta.label
        for field in model._meta.get_fields():
            named = field.concrete and SOUNDS_PERSONAL.search(field.name)
            if named and not listed(label, field.name):
                found.append(f"{label}.{field.name}")
    return sorted(found)


def records(organisation, live_keep_days: int) -> list[dict]:
    """The record of processing as the page shows it, retention filled in."""
    rows = []
    for store in STORES:
        retention = str(store.retention)
        if store.key == "comments":
            days = organisation.comment_retention_days
            retention = ngettext(
                "Kept %(days)s day, then erased automatically.",
                "Kept %(days)s days, then erased automatically.",
                days,
            ) % {"days": days}
        elif store.key == "questions":
            retention = ngettext(
                "Deleted %(days)s day after the session ended.",
                "Deleted %(days)s days after the session ended.",
                live_keep_days,
            ) % {"days": live_keep_days}
        rows.append(
            {
                "key": store.key,
                "title": store.title,
                "data": store.data,
                "purpose": store.purpose,
                "basis": store.basis,
                "retention": retention,
                "models": sorted(store.fields),
            }
        )
    return rows
