"""Who may see the numbers and who may feed them in (issue 14).

Figures hold no personal data (applications are counted, not named), so everyone with a
place in the organisation may read them — management included, which reads "read only".
Importing changes what everyone sees: the communications team; secrets: the lead.
"""

from __future__ import annotations

from carecast.core.models import Person
from carecast.rights.roles import in_comms_team, may_change_settings


def may_see_analytics(person: Person | None) -> bool:
    return person is not None


def may_import_analytics(person: Person | None) -> bool:
    """CSV uploads of applications and website visits, the Matomo import."""
    return in_comms_team(person)


def may_configure_analytics(person: Person | None) -> bool:
    """The webhook secret and the Matomo access token are the organisation's settings."""
    return may_change_settings(person)
