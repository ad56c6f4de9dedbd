"""What a role may do, without looking at any object: the capabilities of a person.

Four roles (``core.models.Role``): the communications lead (admin), the communications
team (editor), department editors (their own department's channels only) and read-only
people. ``Can`` hands the same answers to templates as ``can.automation`` and friends.
"""

from __future__ import annotations

from functools import cached_property

from carecast.core.models import Person, Role

PUBLISHERS = {Role.ADMIN, Role.EDITOR, Role.DEPARTMENT_EDITOR}
COMMS_TEAM = {Role.ADMIN, Role.EDITOR}


def _role(person: Person | None) -> str | None:
    return person.role if person is not None else None


def is_department_scoped(person: Person | None) -> bool:
    """Department editors see and act for their own department only."""
    return _role(person) == Role.DEPARTMENT_EDITOR


def can_publish(person: Person | None) -> bool:
    """Writes stories and plans posts (on the channels ``channels_for`` gives them)."""
    return _role(person) in PUBLISHERS


def in_comms_team(person: Person | None) -> bool:
    """The communications department itself, not a department editor or a viewer."""
    return _role(person) in COMMS_TEAM


def may_use_automation(person: Person | None) -> bool:
    """Automation shapes what every channel posts: the communications team's pages."""
    return in_comms_team(person)


def may_change_settings(person: Person | None) -> bool:
    """Organisation-wide settings (retention period, setup): the communications lead."""
    return _role(person) == Role.ADMIN


def may_allow_hosts(person: Person | None) -> bool:
    """Letting a source fetch from a private address is a setting of the organisation."""
    return may_change_settings(person)


def may_take_duty(person: Person | None) -> bool:
    """Whoever is on duty answers emergencies on every channel: not a department editor."""
    return in_comms_team(person)


def may_plan_rota(person: Person | None) -> bool:
    return in_comms_team(person)


def may_read_audit(person: Person | None) -> bool:
    """The whole audit log (everyone's actions, erasures, role changes): the lead only.
    A story's or post's own history is shown to whoever may see that story or post."""
    return _role(person) == Role.ADMIN


def may_answer_data_requests(person: Person | None) -> bool:
    """One person's data exported or erased (GDPR Art. 15, 17, 20), across every kind of
    person carecast holds: the communications lead only, like the whole audit log."""
    return _role(person) == Role.ADMIN


def may_manage_peers(person: Person | None) -> bool:
    """Which other hospitals we compare ourselves with is the lead's choice (issue 14)."""
    return _role(person) == Role.ADMIN


def may_read_report(person: Person | None) -> bool:
    """The organisation-wide numbers and the monthly report: everyone but department
    editors, who see their own department's numbers on the dashboard."""
    return person is not None and not is_department_scoped(person)


def may_erase_comments(person: Person | None) -> bool:
    """Erasure requests are handled by the communications team, not by departments."""
    return in_comms_team(person)


def may_keep_saved_replies(person: Person | None) -> bool:
    """Saved replies (Textbausteine) speak for the whole hospital: the communications lead
    keeps them; everyone who replies uses them."""
    return _role(person) == Role.ADMIN


class Can:
    """A person's capabilities for templates: ``{% if can.automation %}``."""

    def __init__(self, person: Person | None) -> None:
        self.person = person

    @cached_property
    def publish(self) -> bool:
        return can_publish(self.person)

    @cached_property
    def automation(self) -> bool:
        return may_use_automation(self.person)

    @cached_property
    def settings(self) -> bool:
        return may_change_settings(self.person)

    @cached_property
    def take_duty(self) -> bool:
        return may_take_duty(self.person)

    @cached_property
    def plan_rota(self) -> bool:
        return may_plan_rota(self.person)

    @cached_property
    def erase_comments(self) -> bool:
        return may_erase_comments(self.person)

    @cached_property
    def approve(self) -> bool:
        """Approves others' posts and replies (``rights.approvals``): the comms team."""
        return in_comms_team(self.person)

    @cached_property
    def saved_replies(self) -> bool:
        return may_keep_saved_replies(self.person)

    @cached_property
    def report(self) -> bool:
        return may_read_report(self.person)

    @cached_property
    def audit(self) -> bool:
        return may_read_audit(self.person)

    @cached_property
    def live(self) -> bool:
        """The live consultation desk (sessions of their own department for departments)."""
        return can_publish(self.person)
