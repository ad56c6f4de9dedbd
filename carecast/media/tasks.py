"""Huey tasks: turning an upload into an asset, and fitting a clip to a network.

Both can take minutes for a long clip; they run in the worker so that the page only
polls a state (``Upload.state``, ``Rendition.state`` and ``progress``).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from carecast.media import services


@db_task()
def process_upload(upload_id: str) -> None:
    services.process_upload(upload_id)


@db_task()
def fit_rendition(rendition_id: int) -> None:
    services.run_rendition(rendition_id)


@db_periodic_task(crontab(minute="17"))
def tidy_media() -> None:
    services.tidy()
