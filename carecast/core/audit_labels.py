"""How audit entries read: a label per action and object type, and readable details.

Every action ``audit.record`` writes has a label here (``tests/web/test_audit_labels.py``
finds the actions in the code and fails for one without); an action written by newer code
and not yet listed still reads as words ("Story back to review"), never as a raw code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from carecast.core.models import AuditLog, Role


def _a(text: str):
    return pgettext_lazy("audit action", text)


ACTION_LABELS = {
    # stories, approvals and posts
    "story.saved": _a("Story saved"),
    "story.submitted": _a("Story submitted for approval"),
    "story.approved": _a("Story approved"),
    "story.changes_requested": _a("Changes requested"),
    "story.rejected": _a("Story rejected"),
    "story.back_to_review": _a("Story back to review"),
    "story.new_time": _a("New time after a late approval"),
    "approval.rule_changed": _a("Approval rule changed"),
    "approval.reply_labels_changed": _a("Replies needing approval changed"),
    "publication.scheduled": _a("Post scheduled"),
    "publication.published": _a("Post published"),
    "publication.cancelled": _a("Post cancelled"),
    "publication.resent": _a("Post sent again"),
    "publication.confirmed": _a("Post confirmed as published"),
    "compliance.override": _a("Blocking check overridden"),
    "api_token.created": _a("API access token created"),
    "api_token.revoked": _a("API access token revoked"),
    "webhook.created": _a("Webhook added"),
    "webhook.deleted": _a("Webhook removed"),
    "person.added_from_directory": _a("Person added at first sign-in with the directory"),
    "person.role_from_directory": _a("Role taken from the directory groups"),
    "person.linked_to_directory": _a("Account joined to the directory account"),
    "person.directory_role_kept": _a("Last lead kept although the directory groups say otherwise"),
    "organisation.directory_group_set": _a("Directory group assigned a role"),
    "organisation.directory_group_removed": _a("Directory group removed"),
    "two_factor.enabled": _a("Two-factor sign-in turned on"),
    "two_factor.disabled": _a("Two-factor sign-in turned off"),
    "two_factor.recovery_codes": _a("New recovery codes made"),
    "privacy.commenter_erased": _a("A commenter's data erased on request"),
    # Written out (not ``_a``) so that makemessages finds them.
    "privacy.erased": pgettext_lazy("audit action", "One person's data erased on request"),
    "privacy.exported": pgettext_lazy("audit action", "One person's data exported on request"),
    "compliance.flagged": _a("Post flagged by a check"),
    # media and consent
    "media.updated": _a("Media file changed"),
    "media.uploaded": _a("Video uploaded"),
    "media.fit_requested": _a("Video version for a network requested"),
    "consent.recorded": _a("Consent recorded"),
    "consent.changed": _a("Consent changed"),
    "consent.withdrawn": _a("Consent withdrawn"),
    # channels
    "channel.connected": _a("Channel connected"),
    "channel.reconnected": _a("Channel reconnected"),
    "channel.paused": _a("Channel paused"),
    "channel.resumed": _a("Channel resumed"),
    "channel.archived": _a("Channel archived"),
    # inbox
    "inbox.hidden": _a("Comment hidden on the network"),
    "inbox.erased": _a("Comment erased on request"),
    "inbox.retention": _a("Old comments erased (retention period)"),
    "inbox.retention_period": _a("Retention period changed"),
    # Spelled out (not ``_a``) so that makemessages finds them.
    "inbox.assigned": pgettext_lazy("audit action", "Comment assigned"),
    "inbox.unassigned": pgettext_lazy("audit action", "Comment no longer assigned"),
    "inbox.saved_reply_added": pgettext_lazy("audit action", "Saved reply added"),
    "inbox.saved_reply_changed": pgettext_lazy("audit action", "Saved reply changed"),
    "inbox.saved_reply_deleted": pgettext_lazy("audit action", "Saved reply deleted"),
    "inbox.spike_settings": pgettext_lazy("audit action", "Alert on negative comments changed"),
    "reply.submitted": _a("Reply submitted for approval"),
    "reply.approved": _a("Reply approved"),
    "reply.rejected": _a("Reply rejected"),
    "reply.changes_requested": _a("Changes to a reply requested"),
    # live consultation
    "live.approved": _a("Live question approved"),
    "live.rejected": _a("Live question rejected"),
    "live.edited": _a("Live question edited"),
    "live.merged": _a("Live question merged"),
    "live.merged_manually": pgettext_lazy("audit action", "Live questions merged by hand"),
    "live.unmerged": pgettext_lazy("audit action", "Merged live question separated again"),
    "live.pinned": _a("Live question pinned"),
    "live.answered": _a("Live question answered"),
    "live.announced": _a("Live consultation announced"),
    # organisation, people, departments
    "organisation.created": _a("Organisation created"),
    "organisation.changed": pgettext_lazy("audit action", "Organisation settings changed"),
    "person.added": _a("Person added"),
    "person.invited": _a("Person invited"),
    "person.reinvited": _a("Invitation sent again"),
    "person.joined": _a("Invitation accepted"),
    "person.role_changed": _a("Role changed"),
    "person.deactivated": _a("Person deactivated"),
    "person.reactivated": _a("Person reactivated"),
    "department.created": _a("Department created"),
    "department.updated": _a("Department changed"),
    "department.archived": _a("Department archived"),
    "department.restored": _a("Department restored"),
}

OBJECT_TYPE_LABELS = {
    "story": pgettext_lazy("audit object", "Story"),
    "publication": pgettext_lazy("audit object", "Post"),
    "media": pgettext_lazy("audit object", "Media file"),
    "channel": pgettext_lazy("audit object", "Channel"),
    "comment": pgettext_lazy("audit object", "Comment"),
    "reply": pgettext_lazy("audit object", "Reply"),
    "question": pgettext_lazy("audit object", "Live question"),
    "session": pgettext_lazy("audit object", "Live consultation"),
    "person": pgettext_lazy("audit object", "Person"),
    "department": pgettext_lazy("audit object", "Department"),
    "organisation": pgettext_lazy("audit object", "Organisation"),
}

DETAIL_LABELS = {
    "reason": pgettext_lazy("audit detail", "Reason"),
    "comment": pgettext_lazy("audit detail", "Comment"),
    "findings": pgettext_lazy("audit detail", "Checks"),
    "finding": pgettext_lazy("audit detail", "Check"),
    "severity": pgettext_lazy("audit detail", "Severity"),
    "cancelled": pgettext_lazy("audit detail", "Cancelled"),
    "due_at": pgettext_lazy("audit detail", "Due"),
    "url": pgettext_lazy("audit detail", "Address"),
    "role": pgettext_lazy("audit detail", "Role"),
    "before": pgettext_lazy("audit detail", "Before"),
    "after": pgettext_lazy("audit detail", "After"),
    "old": pgettext_lazy("audit detail", "Old name"),
    "fields": pgettext_lazy("audit detail", "Fields"),
    "consent": pgettext_lazy("audit detail", "Consent"),
    "document": pgettext_lazy("audit detail", "Signed document"),
    "channel": pgettext_lazy("audit detail", "Channel"),
    "scheduled": pgettext_lazy("audit detail", "Scheduled posts"),
    "moved": pgettext_lazy("audit detail", "Moved posts"),
    "erased": pgettext_lazy("audit detail", "Erased comments"),
    "days": pgettext_lazy("audit detail", "Days"),
    "into": pgettext_lazy("audit detail", "Merged into question"),
    "channels": pgettext_lazy("audit detail", "Channel numbers"),
    "labels": pgettext_lazy("audit detail", "Labels"),
    "mode": pgettext_lazy("audit detail", "Rule"),
    "handle": pgettext_lazy("audit detail", "Account"),
}
# Ids the entry's object link already shows; a note about daylight saving is on the post.
HIDDEN_DETAILS = {
    *("publication", "story", "asset", "question", "reply", "item", "session", "review"),
    "note",
}


def readable(code: str) -> str:
    """``story.back_to_review`` → ``Story back to review``: an unknown code as words."""
    words = code.replace(".", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else "—"


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action) or readable(action))


def object_type_label(kind: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(kind) or readable(kind))


def actor_name(entry: AuditLog) -> str:
    """Who did it; entries without a person were written by carecast itself."""
    if entry.actor is None:
        return _("carecast (automatic)")
    return entry.actor.get_full_name() or entry.actor.get_username()


def details(entry: AuditLog) -> list[tuple[str, str]]:
    """(label, value) pairs of an entry's detail, in the order they were written."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    lines = []
    for key, value in detail.items():
        if key in HIDDEN_DETAILS or value in (None, "", [], {}):
            continue
        label = DETAIL_LABELS.get(key)
        lines.append((str(label) if label else readable(key), _value(key, value)))
    return lines


def details_text(entry: AuditLog) -> str:
    """The details on one line ("Reason: …; Checks: …"), for the CSV export."""
    return "; ".join(f"{label}: {value}" for label, value in details(entry))


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value(key, item) for item in value if item not in (None, ""))
    if isinstance(value, str) and value in Role.values:
        return str(Role(value).label)
    if key == "due_at" and isinstance(value, str):
        return _local_time(value)
    return str(value)


def _local_time(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    # The same format as every other time on the desk (the ``when`` template filter).
    return formats.date_format(moment, pgettext("date format", "D j M Y, H:i"))
