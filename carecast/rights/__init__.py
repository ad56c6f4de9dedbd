"""Rights: the one place that decides what a person may see and do.

Stories, channels, posts, live sessions, media files, inbox items, automation and settings
are all decided here, by role and department; views, the API, Huey tasks and templates
(through ``can`` in every page's context) ask these functions instead of testing roles
themselves.

Why a package of its own and not ``carecast.web.access`` (where the rules started):
DESIGN.md lets no app import ``web``, yet ``live``, ``inbox`` and ``automation`` must ask
the same rules in their views and tasks. ``rights`` sits just above ``core``: it imports
only ``core`` at module level and looks every other model up lazily (``apps.get_model``),
so any app may import it without an import cycle, and it needs no models or migrations.
The web layer imports it too (``carecast.web.access`` is gone).
"""

from carecast.rights.approvals import (
    approval_mode,
    approvers_for,
    may_approve,
    may_approve_reply,
    may_set_approval_rules,
    needs_approval,
    reply_needs_approval,
)
from carecast.rights.guards import (
    person_of,
    person_passes,
    person_required,
    require,
    require_publisher,
)
from carecast.rights.roles import (
    Can,
    can_publish,
    in_comms_team,
    is_department_scoped,
    may_allow_hosts,
    may_change_settings,
    may_erase_comments,
    may_keep_saved_replies,
    may_manage_peers,
    may_plan_rota,
    may_read_audit,
    may_read_report,
    may_take_duty,
    may_use_automation,
)
from carecast.rights.scopes import (
    assignees_for,
    channels_for,
    editable_stories_for,
    inbox_items_for,
    live_sessions_for,
    may_publish_to,
    may_run_live_session,
    media_for,
    publications_for,
    publishable_channels_for,
    stories_for,
    unpublishable,
)

__all__ = [
    "Can",
    "assignees_for",
    "may_keep_saved_replies",
    "approval_mode",
    "approvers_for",
    "may_approve",
    "may_approve_reply",
    "may_set_approval_rules",
    "needs_approval",
    "reply_needs_approval",
    "can_publish",
    "channels_for",
    "editable_stories_for",
    "in_comms_team",
    "inbox_items_for",
    "is_department_scoped",
    "live_sessions_for",
    "may_allow_hosts",
    "may_change_settings",
    "may_erase_comments",
    "may_manage_peers",
    "may_read_report",
    "may_plan_rota",
    "may_read_audit",
    "may_publish_to",
    "may_run_live_session",
    "may_take_duty",
    "may_use_automation",
    "media_for",
    "person_of",
    "person_passes",
    "person_required",
    "publications_for",
    "publishable_channels_for",
    "require",
    "require_publisher",
    "stories_for",
    "unpublishable",
]
