"""The kinds of person carecast holds data about, one module each: ``find`` (matches for a
search), ``export`` (everything held, as JSON and files) and ``erase``."""

from __future__ import annotations

from types import ModuleType

from django.utils.translation import gettext_lazy as _

from carecast.privacy.people import applicant, asker, commenter, member, shown

KINDS: dict[str, ModuleType] = {
    "commenter": commenter,
    "shown": shown,
    "asker": asker,
    "member": member,
    "applicant": applicant,
}

LABELS = {
    "commenter": _("Commenters"),
    "shown": _("People shown in media"),
    "asker": _("Question askers"),
    "member": _("Team members"),
    "applicant": _("Job applications"),
}
