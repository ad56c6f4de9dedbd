"""The demo's automation and live parts: awareness days and a live consultation with questions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from carecast.automation.awareness import ensure_defaults
from carecast.core.models import Department, Organisation
from carecast.live import actions
from carecast.live.models import LiveSession, Source

# (nickname, question, approve?) — as visitors write them. The first one names a lab value:
# the guard flags it, so it waits for the moderator to reword it (approve skips flagged ones).
QUESTIONS = [
    ("Sabine", "Mein HbA1c liegt bei 8,1 % – sollte ich mit Insulin anfangen?", True),
    ("", "Welche Sportarten eignen sich bei Diabetes, und was muss man beachten?", True),
    ("Jonas", "Wie erkennt man eine Unterzuckerung bei Kindern in der Nacht?", False),
    ("", "Gibt es Schulungen für Angehörige im Klinikum?", True),
]


def seed_extras(org: Organisation, departments: dict[str, Department]) -> None:
    ensure_defaults(org)
    _live_session(org, departments.get("diabetologie"))


def _live_session(org: Organisation, department: Department | None) -> LiveSession:
    local_now = timezone.localtime(timezone=ZoneInfo(org.timezone))
    start = local_now.replace(hour=18, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=1)
    session = LiveSession.objects.create(
        organisation=org,
        department=department,
        title="Live-Sprechstunde Diabetes",
        slug="diabetes",
        topic="Diabetes im Alltag: Insulin, Sport, Unterzuckerung",
        doctors="Dr. Weber (Oberärztin Diabetologie)",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        stream_links="https://www.youtube.com/@klinikum-musterstadt/live",
    )
    for i, (nickname, text, approve) in enumerate(QUESTIONS):
        question = actions.submit_question(
            session, text, nickname=nickname, client=f"demo-visitor-{i}", source=Source.WEB
        )
        if approve and not question.flags:
            actions.approve(question)
    return session
