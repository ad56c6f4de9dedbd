"""Everything that changes a live session: the only place that sends events.

Each action runs in a transaction, writes, and publishes after commit (Zulip's
``do_*`` pattern): a rolled-back change is never announced, and the pages never
see a question the database does not have yet.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.lib.text import clean_text
from carecast.live import alerts, events, guard
from carecast.live.limits import limit, minute_ago
from carecast.live.models import PUBLIC_STATUSES, LiveSession, Question, Source, Status, Upvote


class LiveError(Exception):
    """A request that cannot be carried out, with a message for the person who asked."""


# --- the audience ------------------------------------------------------------------------


def submit_question(
    session: LiveSession,
    text: str,
    *,
    nickname: str = "",
    client: str = "",
    origin: str = "",
    source: str = Source.WEB,
    remote_id: str = "",
    remote_url: str = "",
) -> Question:
    """A new question, waiting for the moderator. Visitors' questions are length- and rate-limited."""
    text = " ".join(clean_text(text).split())
    nickname = " ".join(clean_text(nickname).split())[: limit("NICKNAME_LENGTH")]
    if source == Source.WEB:
        _check_visitor(session, text, client, origin)
    else:
        text = text[: limit("MAX_LENGTH") * 2]  # a network reply is cut, not refused
    with transaction.atomic():
        question = Question.objects.create(
            session=session,
            text=text,
            public_text=text,
            nickname=nickname,
            flags=guard.assess(text),
            source=source,
            remote_id=remote_id,
            remote_url=remote_url,
            client=client,
            origin=origin,
        )
        if guard.EMERGENCY in question.flags:
            alerts.notify(question)
        events.after_commit(session.slug, events.queue_event())
    return question


def _check_visitor(session: LiveSession, text: str, client: str, origin: str) -> None:
    if not session.accepting or session.is_over:
        raise LiveError(_("This consultation is not taking questions any more."))
    if len(text) < limit("MIN_LENGTH"):
        raise LiveError(_("Please write a little more."))
    if len(text) > limit("MAX_LENGTH"):
        raise LiveError(
            _("Please keep your question under %(n)d characters.") % {"n": limit("MAX_LENGTH")}
        )
    recent = Question.objects.filter(session=session, created_at__gte=minute_ago())
    if recent.count() >= limit("PER_SESSION_PER_MINUTE"):
        raise LiveError(
            _("Very many questions are arriving right now. Please try again in a minute.")
        )
    mine = Question.objects.filter(session=session, client=client)
    if client and mine.filter(text__iexact=text).exists():
        raise LiveError(_("You have already sent this question."))
    too_many = (
        (client and mine.count() >= limit("PER_CLIENT_PER_SESSION"))
        or (
            client
            and mine.filter(created_at__gte=minute_ago()).count() >= limit("PER_CLIENT_PER_MINUTE")
        )
        or (origin and recent.filter(origin=origin).count() >= limit("PER_ORIGIN_PER_MINUTE"))
    )
    if too_many:
        raise LiveError(_("You have sent several questions just now. Please wait a moment."))


def upvote(question: Question, client: str, origin: str = "") -> Question:
    """One vote per visitor and question; only for questions the audience can see.

    Visitors are told apart by a cookie, which anyone can drop: votes are also counted
    per address (``origin``), generously, since a ward's Wi-Fi is one address for many.
    """
    try:
        with transaction.atomic():
            question = _locked(question)
            if question.status not in PUBLIC_STATUSES or not client:
                raise LiveError(_("This question cannot be voted on."))
            _check_votes_from(question, origin)
            Upvote.objects.create(question=question, client=client, origin=origin)
            Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
            question.refresh_from_db(fields=["votes"])
            events.after_commit(question.session.slug, events.question_event(question))
    except IntegrityError:
        raise LiveError(_("You have already voted for this question.")) from None
    return question


def _check_votes_from(question: Question, origin: str) -> None:
    if not origin:
        return
    votes = Upvote.objects.filter(origin=origin)
    if votes.filter(question=question).count() >= limit("VOTES_PER_ORIGIN_PER_QUESTION") or (
        votes.filter(question__session_id=question.session_id, created_at__gte=minute_ago()).count()
        >= limit("VOTES_PER_ORIGIN_PER_MINUTE")
    ):
        raise LiveError(_("Very many votes are coming from your network. Please wait a moment."))


# --- the moderator -----------------------------------------------------------------------


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("session").get(pk=question.pk)


def _audit(question: Question, action: str, actor, **detail) -> None:
    audit.record(
        question.session.organisation,
        f"live.{action}",
        question.session.title,
        actor=actor,
        question=question.pk,
        **detail,
    )


@transaction.atomic
def approve(question: Question, actor=None) -> Question:
    """Show the question to the audience. Flagged ones only once their wording was edited."""
    question = _locked(question)
    if question.status not in (Status.PENDING, Status.REJECTED):
        raise LiveError(_("Only waiting or rejected questions can be approved."))
    if question.is_flagged and not question.was_edited:
        raise LiveError(
            _(
                "This question may describe an emergency or personal health data: "
                "edit the wording before it is shown."
            )
        )
    question.status, question.approved_at = Status.APPROVED, timezone.now()
    question.save(update_fields=["status", "approved_at"])
    alerts.mark_read(question)
    _audit(question, "approved", actor)
    events.after_commit(
        question.session.slug, events.question_event(question), events.queue_event()
    )
    return question


@transaction.atomic
def reject(question: Question, actor=None) -> Question:
    question = _locked(question)
    was_public = question.status in PUBLIC_STATUSES
    question.status = Status.REJECTED
    question.save(update_fields=["status"])
    alerts.mark_read(question)
    _audit(question, "rejected", actor)
    sent = [events.removed_event(question)] if was_public else []
    events.after_commit(question.session.slug, *sent, events.queue_event())
    return question


@transaction.atomic
def edit(question: Question, public_text: str, actor=None) -> Question:
    """Reword a question for the audience (anonymity); the original stays for the moderator."""
    public_text = _checked_wording(public_text)
    question = _locked(question)
    question.public_text = public_text
    question.save(update_fields=["public_text"])
    _audit(question, "edited", actor)
    sent = [events.question_event(question)] if question.status in PUBLIC_STATUSES else []
    events.after_commit(question.session.slug, *sent, events.queue_event())
    return question


@transaction.atomic
def rename(question: Question, nickname: str, actor=None) -> Question:
    """Change or remove (empty) the name shown with a question, publicly and on the presenter."""
    nickname = " ".join(nickname.split())[: Question._meta.get_field("nickname").max_length]
    question = _locked(question)
    question.nickname = nickname
    question.save(update_fields=["nickname"])
    _audit(question, "edited", actor, field="nickname")
    sent = [events.question_event(question)] if question.status in PUBLIC_STATUSES else []
    events.after_commit(question.session.slug, *sent, events.queue_event())
    return question


@transaction.atomic
def merge(duplicate: Question, into: Question, actor=None) -> Question:
    """Fold ``duplicate`` into ``into``: its votes (and its asker's interest) move over."""
    if duplicate.pk == into.pk or duplicate.session_id != into.session_id:
        raise LiveError(
            _("A question can only be merged into another question of the same session.")
        )
    duplicate, into = _locked(duplicate), _locked(into)
    if into.status in (Status.MERGED, Status.REJECTED):
        raise LiveError(_("Merge into a question that is still open."))
    was_public = duplicate.status in PUBLIC_STATUSES
    duplicate.status, duplicate.merged_into = Status.MERGED, into
    duplicate.save(update_fields=["status", "merged_into"])
    Question.objects.filter(pk=into.pk).update(votes=F("votes") + duplicate.votes + 1)
    into.refresh_from_db(fields=["votes"])
    _audit(duplicate, "merged", actor, into=into.pk)
    sent = [events.removed_event(duplicate)] if was_public else []
    if into.status in PUBLIC_STATUSES:
        sent.append(events.question_event(into))
    events.after_commit(into.session.slug, *sent, events.queue_event())
    return into


def _checked_wording(public_text: str) -> str:
    public_text = " ".join(public_text.split())
    if not public_text:
        raise LiveError(_("The question cannot be empty."))
    if len(public_text) > limit("MAX_LENGTH"):
        raise LiveError(
            _("Please keep your question under %(n)d characters.") % {"n": limit("MAX_LENGTH")}
        )
    if guard.assess(public_text):
        raise LiveError(_("The new wording still looks like an emergency or personal health data."))
    return public_text


@transaction.atomic
def merge_many(
    questions: list[Question], into: Question, public_text: str = "", actor=None
) -> Question:
    """The moderator's own merge: any two or more open questions become ``into``.

    Each asker's interest and every vote move over (as with a suggested merge), the
    wording shown may be rewritten for all of them, and the audit names every question,
    so that ``unmerge`` can take one back out.
    """
    others = [q for q in questions if q.pk != into.pk]
    if not others:
        raise LiveError(_("Select at least two questions to merge."))
    if any(q.status in (Status.MERGED, Status.REJECTED) for q in [*others, into]):
        raise LiveError(_("Only open questions can be merged."))
    votes_before = _locked(into).votes
    wording = " ".join(public_text.split())
    reworded = bool(wording) and wording != into.public_text
    if reworded:
        into = edit(into, _checked_wording(wording), actor)
    for other in others:
        into = merge(other, into, actor)
        alerts.mark_read(other)
    _audit(
        into,
        "merged_manually",
        actor,
        merged=[q.pk for q in others],
        votes_before=votes_before,
        votes_after=into.votes,
        reworded=reworded,
    )
    return into


@transaction.atomic
def unmerge(duplicate: Question, actor=None) -> Question:
    """Take a merged question back out: it waits for the moderator again, its votes go back."""
    duplicate = _locked(duplicate)
    if duplicate.status != Status.MERGED or duplicate.merged_into_id is None:
        raise LiveError(_("This question is not merged."))
    into = Question.objects.select_for_update().get(pk=duplicate.merged_into_id)
    moved = duplicate.votes + 1
    Question.objects.filter(pk=into.pk).update(votes=Greatest(F("votes") - moved, Value(0)))
    into.refresh_from_db(fields=["votes"])
    duplicate.status, duplicate.merged_into = Status.PENDING, None
    duplicate.save(update_fields=["status", "merged_into"])
    _audit(duplicate, "unmerged", actor, out_of=into.pk)
    sent = [events.question_event(into)] if into.status in PUBLIC_STATUSES else []
    events.after_commit(into.session.slug, *sent, events.queue_event())
    return duplicate


@transaction.atomic
def pin(question: Question, actor=None) -> Question:
    """Mark the question as being answered now; the one answered before goes back to the list."""
    question = _locked(question)
    if question.status not in (Status.APPROVED, Status.ANSWERED, Status.ANSWERING):
        raise LiveError(_("Approve the question before pinning it."))
    sent = []
    for previous in (
        Question.objects.select_for_update()
        .filter(session=question.session, status=Status.ANSWERING)
        .exclude(pk=question.pk)
    ):
        previous.status = Status.APPROVED
        previous.save(update_fields=["status"])
        sent.append(events.question_event(previous))
    question.status, question.pinned_at = Status.ANSWERING, timezone.now()
    question.save(update_fields=["status", "pinned_at"])
    _audit(question, "pinned", actor)
    sent.append(events.question_event(question))
    events.after_commit(question.session.slug, *sent, events.queue_event())
    return question


@transaction.atomic
def mark_answered(question: Question, note: str = "", actor=None) -> Question:
    """Answered, with a short note for the recap."""
    question = _locked(question)
    if question.status not in (Status.APPROVED, Status.ANSWERING, Status.ANSWERED):
        raise LiveError(_("Approve the question before marking it answered."))
    question.status, question.answered_at = Status.ANSWERED, timezone.now()
    question.answer_note = note.strip()[:1000]
    question.save(update_fields=["status", "answered_at", "answer_note"])
    _audit(question, "answered", actor)
    events.after_commit(
        question.session.slug, events.question_event(question), events.queue_event()
    )
    return question
