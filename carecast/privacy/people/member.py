"""A team member (a user of carecast): found by user name, name or e-mail.

The export holds the account, role, directory link, two-factor devices (never their
secrets), access tokens (never the token), invitations, duty shifts and what the person did
(the audit entries they are the actor of). An erasure deactivates the account and renames it
to a pseudonym: e-mail and names are emptied, tokens, devices, invitations, future shifts and
notices deleted; the audit trail stays, under the pseudonym.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core.models import AuditLog, Person, Role
from carecast.privacy import pseudonyms
from carecast.privacy.people.base import Erased, Export, Match

KIND = "member"
PREFIX = "geloescht"


def _people(organisation):
    return Person.objects.filter(organisation=organisation).select_related("user", "department")


def find(organisation, query: str) -> list[Match]:
    match = Q()
    for word in query.split():
        match &= (
            Q(user__username__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    people = _people(organisation).filter(match).order_by("user__username")[:50]
    return [_match(person) for person in people]


def person_of(organisation, key: str) -> Person | None:
    return _people(organisation).filter(user__username=key).first()


def refusal(person: Person, actor) -> str:
    """Why this account cannot be erased here, or ""."""
    if person.user_id == getattr(actor, "pk", None):
        return _("You cannot erase your own account.")
    leads = Person.objects.filter(
        organisation=person.organisation, role=Role.ADMIN, user__is_active=True
    )
    if person.role == Role.ADMIN and person.user.is_active and not leads.exclude(pk=person.pk):
        return _("The last active communications lead cannot be erased; name another lead first.")
    return ""


def _match(person: Person) -> Match:
    user = person.user
    held = [
        f"{user.get_full_name() or user.username} · {user.username} · {user.email or '—'}",
        f"{person.get_role_display()}"
        + (f" · {person.department.name}" if person.department else "")
        + ("" if user.is_active else " · " + _("deactivated")),
    ]
    actions = AuditLog.objects.filter(organisation=person.organisation, actor=user).count()
    held.append(_("%(n)s audit log entries as actor") % {"n": actions})
    return Match(KIND, user.username, user.get_full_name() or user.username, held)


def _devices(user):
    from django_otp import devices_for_user

    return list(devices_for_user(user, confirmed=None))


def _iso(value):
    return value.isoformat() if value else None


def export(organisation, key: str) -> Export:
    person = person_of(organisation, key)
    if person is None:
        return Export({})
    user = person.user
    directory = getattr(person, "directory", None)
    data = {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "active": user.is_active,
            "joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "role": person.role,
            "department": person.department.name if person.department else None,
        },
        "directory": {"issuer": directory.issuer, "subject": directory.subject}
        if directory
        else None,
        "two_factor_devices": [
            {"type": d._meta.model_name, "name": d.name, "confirmed": d.confirmed}
            for d in _devices(user)
        ],
        "access_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scopes": t.scopes,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in user.api_tokens.all()
        ],
        "invitations": [
            {"created_at": _iso(i.created_at), "expires_at": _iso(i.expires_at)}
            for i in person.invitations.all()
        ],
        "duty_shifts": [
            {"from": _iso(s.starts_at), "until": _iso(s.ends_at)} for s in person.duty_shifts.all()
        ],
        "audit_log": [
            {"at": _iso(e.created_at), "action": e.action, "subject": e.subject}
            for e in AuditLog.objects.filter(organisation=organisation, actor=user).order_by(
                "created_at", "pk"
            )
        ],
    }
    return Export(data)


def _sign_in_records(usernames: list[str]) -> int:
    count = 0
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", name)
        count += model.objects.filter(username__in=usernames).delete()[0]
    return count


def _drop_report_recipient(organisation, email: str) -> int:
    """Take the address off the monthly report's list; 1 if it was on it."""
    settings = apps.get_model("reports", "ReportSettings").objects.filter(organisation=organisation)
    report = settings.first()
    if report is None or not email:
        return 0
    kept = [a for a in report.recipient_list if a.lower() != email.lower()]
    if len(kept) == len(report.recipient_list):
        return 0
    settings.update(recipients="\n".join(kept))
    return 1


@transaction.atomic
def erase(organisation, key: str, actor) -> Erased:
    # The api package is the web layer's: its table is looked up, not imported.
    ApiToken = apps.get_model("api", "ApiToken")  # noqa: N806

    person = person_of(organisation, key)
    if person is None or refusal(person, actor):
        return Erased({}, [])
    user = get_user_model().objects.select_for_update().get(pk=person.user_id)
    words = [user.username, user.first_name, user.last_name, user.get_full_name(), user.email]
    directory = getattr(person, "directory", None)
    if directory is not None:
        words.append(directory.subject)
    pseudonym = pseudonyms.make(PREFIX)
    counts = {
        "access_tokens": ApiToken.objects.filter(user=user).delete()[0],
        "two_factor_devices": sum(d.delete()[0] for d in _devices(user)),
        "invitations": person.invitations.all().delete()[0],
        "future_duty_shifts": person.duty_shifts.filter(ends_at__gt=timezone.now()).delete()[0],
        "notifications": person.notifications.all().delete()[0],
        "sign_in_records": _sign_in_records([user.username, user.email]),
        "directory_link": directory.delete()[0] if directory is not None else 0,
    }
    counts["notices"] = (
        apps.get_model("approvals", "Notice").objects.filter(recipient=person).delete()[0]
    )
    counts["report_recipient"] = _drop_report_recipient(organisation, user.email)
    user.username, user.first_name, user.last_name, user.email = pseudonym, "", "", ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    counts["account"] = 1
    return Erased(counts, [w for w in words if w], pseudonym)
