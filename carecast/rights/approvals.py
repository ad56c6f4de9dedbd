"""Approvals: whose posts and replies need approval, and who may give it.

The lead sets a rule per channel, with a default per department (``approvals`` models):
nobody's posts, department editors' posts, or everyone's posts. "Everyone" leaves out
the lead: the lead sets the rules and is the last approver, so their own posts would
wait for nobody.

Approvers: the lead approves everything; the communications team approves department
editors' posts and replies (it keeps an eye on the departments) but not each other's, so
a team member's own work always goes to the lead. Nobody approves their own submission.
Posts planned by the system (automation rules, live announcements) carry no person and
need no approval: those pages belong to the communications team.
"""

from __future__ import annotations

from django.apps import apps

from carecast.core.models import Person, Role
from carecast.rights.roles import in_comms_team, is_department_scoped, may_change_settings

NOBODY, DEPARTMENT_EDITORS, EVERYONE = "nobody", "department_editors", "everyone"


def approval_mode(channel) -> str:
    """The channel's own rule, else its department's default, else nobody."""
    ChannelPolicy = apps.get_model("approvals.ChannelPolicy")
    DepartmentPolicy = apps.get_model("approvals.DepartmentPolicy")
    own = ChannelPolicy.objects.filter(channel_id=channel.pk).values_list("mode", flat=True)
    mode = next(iter(own), "")
    if not mode and channel.department_id:
        default = DepartmentPolicy.objects.filter(department_id=channel.department_id)
        mode = next(iter(default.values_list("mode", flat=True)), "")
    return mode or NOBODY


def needs_approval(person: Person | None, channel) -> bool:
    """Must ``person``'s post on ``channel`` be approved before it is scheduled?"""
    if person is None:
        return False
    mode = approval_mode(channel)
    if mode == DEPARTMENT_EDITORS:
        return is_department_scoped(person)
    if mode == EVERYONE:
        return person.role != Role.ADMIN
    return False


def _may_approve_author(person: Person | None, author: Person | None) -> bool:
    if person is None or not in_comms_team(person):
        return False
    if author is not None and author.pk == person.pk:
        return False
    if person.role == Role.ADMIN:
        return True
    return author is None or is_department_scoped(author)


def may_approve(person: Person | None, channel, author: Person | None = None) -> bool:
    """May ``person`` approve ``author``'s post on ``channel``?"""
    if person is None or channel.organisation_id != person.organisation_id:
        return False
    return _may_approve_author(person, author)


def may_approve_reply(person: Person | None, item, author: Person | None = None) -> bool:
    """May ``person`` approve ``author``'s reply to the inbox ``item``?"""
    if person is None or item.organisation_id != person.organisation_id:
        return False
    return _may_approve_author(person, author)


def reply_needs_approval(person: Person | None, item) -> bool:
    """A reply to a comment with a label the lead chose waits for approval (not the lead's)."""
    if person is None or person.role == Role.ADMIN:
        return False
    ReplyLabelPolicy = apps.get_model("approvals.ReplyLabelPolicy")
    labels = set(
        ReplyLabelPolicy.objects.filter(organisation_id=item.organisation_id).values_list(
            "label", flat=True
        )
    )
    return bool(labels & set(item.labels or []))


def approvers_for(organisation_id: int, author: Person | None) -> list[Person]:
    """The active people who may approve ``author``'s work, leads first."""
    people = (
        Person.objects.filter(organisation_id=organisation_id, role__in=[Role.ADMIN, Role.EDITOR])
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return [p for p in people if _may_approve_author(p, author)]


def may_set_approval_rules(person: Person | None) -> bool:
    """Which posts and replies need approval is the lead's decision."""
    return may_change_settings(person)
