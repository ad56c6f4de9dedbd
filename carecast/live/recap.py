"""After the hour: a recap story draft and a CSV export of the questions."""

from __future__ import annotations

import csv
import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecast.live.announce import question_page_url, topic_of
from carecast.live.models import LiveSession, Question, Status
from carecast.stories.fitting import compose_text
from carecast.stories.models import Story
from carecast.stories.services import save_story


def recap_text(session: LiveSession) -> str:
    return "\n".join(filter(None, [*recap_blocks(session), recording_block(session)]))


def recording_block(session: LiveSession) -> str:
    """The recording, once its address is entered: every network's version ends with it."""
    if not session.recording_url:
        return ""
    return "\n" + _("Watch the recording: %(url)s") % {"url": session.recording_url}


def recap_blocks(session: LiveSession) -> list[str]:
    """The recap's opening lines, then one block per answered question (with its answer)."""
    answered = session.questions.filter(status=Status.ANSWERED).order_by(
        "-votes", "answered_at", "pk"
    )
    blocks = [
        _("Thank you for your questions at our live consultation “%(title)s”!")
        % {"title": topic_of(session.title)}
    ]
    if session.doctors:
        answered_by = ngettext(
            "%(doctors)s answered:", "%(doctors)s answered:", len(people(session.doctors))
        )
        blocks.append(answered_by % {"doctors": session.doctors})
    for question in answered:
        block = f"\n❓ {question.public_text}"
        if question.answer_note:
            block += f"\n→ {question.answer_note}"
        blocks.append(block)
    return blocks


def people(doctors: str) -> list[str]:
    """The people in the "doctors" field: separated by ";", "/", "&", "und"/"and" or lines.

    A comma does not separate people: "Tom Schulz, Diabetesberater" is one person with a role.
    """
    parts = re.split(r"\s*(?:;|/|&|\n|\bund\b|\band\b)\s*", doctors)
    return [part for part in parts if part.strip()]


def fitted_recap(blocks: list[str], channel, link: str, tail: str = "") -> str:
    """As many whole questions as the channel's limit takes: never cut mid-question (X).

    ``tail`` (the recording) is kept on every network: the questions make room for it.
    Empty when not even the opening fits; the story's usual fitting then decides.
    """
    fitted = ""
    for block in blocks:
        candidate = "\n".join(filter(None, [fitted, block]))
        text = "\n".join(filter(None, [candidate, tail]))
        if channel.rules.count_text(compose_text(text, link, [])) > channel.text_limit:
            break
        fitted = candidate
    return compose_text("\n".join(filter(None, [fitted, tail])), link, []) if fitted else ""


def create_recap(session: LiveSession, actor=None) -> Story:
    """A story draft on the session's channels; the team shortens and schedules it as usual."""
    blocks, link = recap_blocks(session), question_page_url(session)
    tail = recording_block(session)
    channels = list(session.channels.all())
    story = save_story(
        session.organisation,
        title=_("Recap: %(title)s") % {"title": session.title},
        text="\n".join(filter(None, [*blocks, tail])),
        link=link,
        channels=channels,
        variant_texts={c.pk: fitted_recap(blocks, c, link, tail) for c in channels},
        department=session.department,
        actor=actor,
        story=session.recap_story,
    )
    if session.recap_story_id != story.pk:
        session.recap_story = story
        session.save(update_fields=["recap_story"])
    return story


CSV_COLUMNS = [
    "id",
    "created_at",
    "source",
    "status",
    "votes",
    "nickname",
    "question",
    "public_wording",
    "flags",
    "answer_note",
    "merged_into",
    "link",
]


def export_csv(session: LiveSession) -> str:
    """All questions, as written and as shown, in local time; cells cannot start a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for q in session.questions.order_by("created_at", "pk"):
        writer.writerow([_cell(v) for v in _row(q)])
    return out.getvalue()


def _row(q: Question) -> list:
    created = timezone.localtime(q.created_at).strftime("%Y-%m-%d %H:%M:%S")
    return [
        q.pk,
        created,
        q.source,
        q.status,
        q.votes,
        q.nickname,
        q.text,
        q.public_text,
        " ".join(q.flags),
        q.answer_note,
        q.merged_into_id or "",
        q.remote_url,
    ]


def _cell(value) -> str:
    # Spreadsheets run cells starting with = + - @ as formulas (CSV injection).
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
