"""A question asker in a live consultation: found by the name given with a question (or an
e-mail, where the question page asks for one), or by words of the question itself.

Askers are anonymous to carecast: the browser they asked from is a keyed hash, so one
asker is everything asked from that browser. An erasure does at once what the live app's
retention (``live.retention``) does after the session: the questions go, with their
upvotes; the asker's own upvotes on others' questions go too.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecast.privacy.people.base import Erased, Export, Match

KIND = "asker"
MIN_TEXT_QUERY = 4  # shorter words in the questions' text would find half the session


def _has(field: str) -> bool:
    from carecast.live.models import Question

    return any(f.name == field for f in Question._meta.get_fields())


def _questions(organisation):
    from carecast.live.models import Question

    return Question.objects.filter(session__organisation=organisation).select_related("session")


def _key(question) -> str:
    return question.client or f"q{question.pk}"


def rows(organisation, key: str):
    if key.startswith("q") and key[1:].isdigit():
        return _questions(organisation).filter(pk=int(key[1:]), client="")
    return _questions(organisation).filter(client=key).exclude(client="")


def find(organisation, query: str) -> list[Match]:
    match = Q(nickname__icontains=query)
    if _has("email"):
        match |= Q(email__iexact=query)
    if len(query) >= MIN_TEXT_QUERY:
        match |= Q(text__icontains=query)
    keys = {_key(q) for q in _questions(organisation).filter(match)[:500]}
    groups: dict[str, list] = defaultdict(list)
    for key in sorted(keys):
        groups[key] = list(rows(organisation, key).order_by("created_at", "pk"))
    return [_match(key, questions) for key, questions in groups.items() if questions]


def _match(key: str, questions: list) -> Match:
    names = sorted({q.nickname for q in questions if q.nickname})
    sessions = sorted({q.session.title for q in questions})
    held = [
        ngettext("%(n)s question", "%(n)s questions", len(questions)) % {"n": len(questions)}
        + " · "
        + ", ".join(sessions)
    ]
    held += [f"„{q.text[:100]}“" for q in questions[:3]]
    return Match(KIND, key, ", ".join(names) or _("without a name"), held)


def export(organisation, key: str) -> Export:
    questions = list(rows(organisation, key).order_by("created_at", "pk"))
    has_email = _has("email")
    data = {
        "questions": [
            {
                "session": q.session.title,
                "session_starts_at": q.session.starts_at.isoformat(),
                "question": q.text,
                "shown_as": q.public_text,
                "name": q.nickname,
                **({"email": q.email} if has_email else {}),
                "source": q.source,
                "link": q.remote_url,
                "status": q.status,
                "asked_at": q.created_at.isoformat(),
                "short_answer": q.answer_note,
                "votes": q.votes,
            }
            for q in questions
        ]
    }
    return Export(data)


@transaction.atomic
def erase(organisation, key: str, actor) -> Erased:
    from carecast.live.models import Question, Upvote

    questions = list(rows(organisation, key))
    words = {q.nickname for q in questions}
    if _has("email"):
        words |= {q.email for q in questions}
    votes = 0
    if not key.startswith("q"):
        own = Upvote.objects.filter(client=key, question__session__organisation=organisation)
        for question_id in own.values_list("question_id", flat=True):
            Question.objects.filter(pk=question_id, votes__gt=0).update(votes=F("votes") - 1)
        votes = own.delete()[0]
    deleted = Question.objects.filter(pk__in=[q.pk for q in questions]).delete()[1]
    counts = {"questions": deleted.get("live.Question", 0), "upvotes": votes}
    return Erased(counts, sorted(w for w in words if w))
