"""What a communications lead does with people: invite, set roles, deactivate.

Every change is written to the audit log. The rules that keep an organisation
workable live here, not in views: a department editor always has a department,
nobody else has one, and the last active lead cannot be deactivated or demoted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.core.models import Department, Invitation, Organisation, Person, Role

INVITATION_SALT = "carecast.core.invitation"
INVITATION_DAYS = 7


def check_role(organisation: Organisation, role: str, department: Department | None) -> None:
    """Department editors need a (current) department of this organisation; others have none."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if role == Role.DEPARTMENT_EDITOR:
        if department is None:
            raise ValidationError({"department": _("A department editor needs a department.")})
        if department.organisation_id != organisation.pk or department.archived:
            raise ValidationError({"department": _("Choose a department from the list.")})
    elif department is not None:
        raise ValidationError({"department": _("Only department editors have a department.")})


def _new_person(organisation, actor, *, name, email, username, role, department) -> Person:
    check_role(organisation, role, department)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    if User.objects.filter(email__iexact=email, person__organisation=organisation).exists():
        raise ValidationError({"email": _("Someone with this e-mail address is already here.")})
    first, _sep, last = name.strip().partition(" ")
    user = User.objects.create_user(username, email, None, first_name=first, last_name=last)
    return Person.objects.create(
        user=user, organisation=organisation, role=role, department=department
    )


@transaction.atomic
def add_with_password(organisation: Organisation, actor, **fields) -> tuple[Person, str]:
    """Add a person with a generated first password, returned once to be shown to the lead."""
    person = _new_person(organisation, actor, **fields)
    password = secrets.token_urlsafe(12)
    person.user.set_password(password)
    person.user.save(update_fields=["password"])
    audit.record(organisation, "person.added", str(person), actor=actor, role=person.role)
    return person, password


@transaction.atomic
def invite(
    organisation: Organisation, actor, link_for: Callable[[str], str], **fields
) -> tuple[Person, Invitation]:
    """Add a person and e-mail them a one-time link; ``link_for(token)`` builds the full URL."""
    person = _new_person(organisation, actor, **fields)
    invitation, token = _issue_invitation(person, actor)
    link = link_for(token)
    # Sent after commit: a rolled-back invitation must not reach anyone's inbox.
    transaction.on_commit(lambda: _send_invitation(person, link, actor))
    audit.record(organisation, "person.invited", str(person), actor=actor, role=person.role)
    return person, invitation


@transaction.atomic
def reinvite(person: Person, actor, link_for: Callable[[str], str]) -> Invitation:
    """A new link for someone who has not chosen a password yet; earlier links stop working."""
    person = Person.objects.select_related("user", "organisation").get(pk=person.pk)
    if status_of(person) != "invited":
        raise ValidationError(_("%(name)s has a password already.") % {"name": person})
    person.invitations.filter(used_at__isnull=True).update(used_at=timezone.now())
    invitation, token = _issue_invitation(person, actor)
    link = link_for(token)
    transaction.on_commit(lambda: _send_invitation(person, link, actor))
    audit.record(person.organisation, "person.reinvited", str(person), actor=actor)
    return invitation


def _issue_invitation(person: Person, actor) -> tuple[Invitation, str]:
    nonce = secrets.token_urlsafe(24)
    token = signing.dumps({"n": nonce}, salt=INVITATION_SALT)
    invitation = Invitation.objects.create(
        person=person,
        token_hash=_hash(token),
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    return invitation, token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation(person: Person, link: str, actor) -> None:
    organisation = person.organisation
    inviter = (actor.get_full_name() or actor.get_username()) if actor else organisation.name
    subject = _("Your access to carecast at %(org)s") % {"org": organisation.name}
    body = _(
        "Hello %(name)s,\n\n%(inviter)s has added you to the social-media desk of %(org)s.\n"
        "Open this link to choose your password (valid for %(days)s days, once):\n\n%(link)s\n\n"
        "Your user name: %(username)s\n"
    ) % {
        "name": person,
        "inviter": inviter,
        "org": organisation.name,
        "days": INVITATION_DAYS,
        "link": link,
        "username": person.user.get_username(),
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.user.email])


def open_invitation(token: str) -> Invitation | None:
    """The unused, unexpired invitation behind ``token``, or None."""
    try:
        signing.loads(token, salt=INVITATION_SALT, max_age=dt.timedelta(days=INVITATION_DAYS))
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("person__user", "person__organisation")
        .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .filter(person__user__is_active=True)
        .first()
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, password: str) -> Person:
    """Set the first password and use the link up; a second use fails (conditional UPDATE)."""
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not claimed:
        raise ValidationError(_("This link has been used already."))
    user = invitation.person.user
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(invitation.person.organisation, "person.joined", str(invitation.person), user)
    return invitation.person


def _active_leads(organisation: Organisation):
    return Person.objects.filter(organisation=organisation, role=Role.ADMIN, user__is_active=True)


def _refuse_losing_last_lead(person: Person) -> None:
    others = _active_leads(person.organisation).exclude(pk=person.pk)
    if person.role == Role.ADMIN and person.user.is_active and not others.exists():
        raise ValidationError(
            _("%(name)s is the last active communications lead; name another lead first.")
            % {"name": person}
        )


@transaction.atomic
def change_role(person: Person, actor, role: str, department: Department | None) -> Person:
    """Give ``person`` a role (and, for department editors, their department)."""
    person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    check_role(person.organisation, role, department)
    if role != Role.ADMIN:
        _refuse_losing_last_lead(person)
    before = (person.role, person.department_id)
    person.role, person.department = role, department
    person.save(update_fields=["role", "department"])
    audit.record(
        person.organisation,
        "person.role_changed",
        str(person),
        actor=actor,
        before=list(before),
        after=[role, department.pk if department else None],
    )
    return person


@transaction.atomic
def set_active(person: Person, actor, active: bool) -> Person:
    """Deactivate (cannot sign in any more, history stays) or reactivate a person."""
    person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    if not active:
        _refuse_losing_last_lead(person)
    person.user.is_active = active
    person.user.save(update_fields=["is_active"])
    action = "person.reactivated" if active else "person.deactivated"
    audit.record(person.organisation, action, str(person), actor=actor)
    return person


def status_of(person: Person) -> str:
    """``active``, ``invited`` (no password yet) or ``deactivated``."""
    if not person.user.is_active:
        return "deactivated"
    if not person.user.has_usable_password():
        return "invited"
    return "active"
