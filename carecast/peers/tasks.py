"""Huey: count every peer profile (and our own channels) once a day."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="20", hour="5"))
def count_peers() -> int:
    """Early each morning, before the team looks: one round over every organisation."""
    from carecast.core.models import Organisation
    from carecast.peers.services import count_all

    counted = 0
    for organisation in Organisation.objects.all():
        ok, failed = count_all(organisation)
        counted += ok
        if failed:
            log.warning("peers of %s: %d profiles could not be read", organisation.slug, failed)
    return counted
