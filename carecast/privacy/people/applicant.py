"""An applicant: found by the reference the applicant system gave their application.

carecast never stores an applicant's name or contact (``analytics.JobApplication``), only the
reference, the job, when and where from; the applicant system is where a request usually
starts, and its reference is what they quote. An erasure replaces the reference by a
pseudonym: the application still counts for the post that brought it, and no one can tie
it back to the person.
"""

from __future__ import annotations

from django.utils.translation import ngettext

from carecast.privacy import pseudonyms
from carecast.privacy.people.base import Erased, Export, Match

KIND = "applicant"


def rows(organisation, key: str):
    from carecast.analytics.models import JobApplication

    return JobApplication.objects.filter(organisation=organisation, external_id=key.strip())


def find(organisation, query: str) -> list[Match]:
    found = list(rows(organisation, query).select_related("channel")[:1])
    if not found:
        return []
    application = found[0]
    held = [
        ngettext("%(n)s application", "%(n)s applications", 1) % {"n": 1}
        + f" · {application.job_title or '—'}"
        + (f" · {application.channel.name}" if application.channel else "")
    ]
    return [Match(KIND, application.external_id, application.external_id, held)]


def export(organisation, key: str) -> Export:
    data = {
        "applications": [
            {
                "reference": a.external_id,
                "received_at": a.received_at.isoformat(),
                "job": a.job_title,
                "utm_source": a.utm_source,
                "utm_medium": a.utm_medium,
                "utm_campaign": a.utm_campaign,
                "network": a.network,
            }
            for a in rows(organisation, key)
        ]
    }
    return Export(data)


def erase(organisation, key: str, actor) -> Erased:
    pseudonym = pseudonyms.make("bewerbung")
    count = rows(organisation, key).update(external_id=pseudonym)
    return Erased({"applications": count}, [key.strip()], pseudonym)
