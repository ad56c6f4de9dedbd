"""Pages of the live consultation: the public question page, moderation, presenter, setup.

Views stay thin: they parse the request, call ``actions`` (which send the events)
and render. Nothing a visitor typed is marked safe anywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.live import actions, alerts, announce, guard, recap, retention, similar, visitors
from carecast.live.actions import LiveError
from carecast.live.forms import QuestionForm, SessionForm
from carecast.live.models import PUBLIC_STATUSES, Alert, LiveSession, Question, Status
from carecast.publishing.services import PublishingError
from carecast.rights import (
    can_publish,
    live_sessions_for,
    person_passes,
    require,
    unpublishable,
)

# --- who may moderate --------------------------------------------------------------------

# Signed in with a role that may publish; which sessions is ``live_sessions_for``'s rule.
desk_required = person_passes(can_publish)


def _own_session(request, slug: str) -> LiveSession:
    """A session this person may run: another department's is not found (404)."""
    return get_object_or_404(live_sessions_for(request.person), slug=slug)


# --- the audience ------------------------------------------------------------------------


def public_questions(session: LiveSession) -> list[Question]:
    rank = Case(
        When(status=Status.ANSWERING, then=Value(0)),
        When(status=Status.APPROVED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(session.questions.filter(status__in=PUBLIC_STATUSES).order_by(rank, "-votes", "pk"))


def _board_context(session: LiveSession) -> dict:
    questions = public_questions(session)
    now = next((q for q in questions if q.status == Status.ANSWERING), None)
    return {"session": session, "now": now, "questions": [q for q in questions if q is not now]}


def audience(request, slug: str):
    session = get_object_or_404(LiveSession, slug=slug)
    context = {
        **_board_context(session),
        "form": QuestionForm(),
        "keep_days": retention.keep_days(),
    }
    response = render(request, "live/audience.html", context)
    visitors.ensure_cookie(request, response)
    return response


def audience_board(request, slug: str):
    """The questions as HTML: the page polls this while its websocket is down."""
    session = get_object_or_404(LiveSession, slug=slug)
    return render(request, "live/_board.html", _board_context(session))


@require_POST
def ask(request, slug: str):
    session = get_object_or_404(LiveSession, slug=slug)
    form = QuestionForm(request.POST)
    context: dict = {"session": session, "form": form, "keep_days": retention.keep_days()}
    if form.is_valid():
        try:
            question = actions.submit_question(
                session,
                form.cleaned_data["text"],
                nickname=form.cleaned_data["nickname"],
                client=visitors.client_of(request),
                origin=visitors.origin_of(request),
            )
        except LiveError as exc:
            context["error"] = str(exc)
        else:
            context.update(sent=True, form=QuestionForm(), emergency="emergency" in question.flags)
    response = render(request, "live/_ask.html", context, status=200)
    visitors.ensure_cookie(request, response)
    return response


@require_POST
def vote(request, slug: str, question_id: int):
    question = get_object_or_404(Question, pk=question_id, session__slug=slug)
    try:
        question = actions.upvote(
            question, visitors.client_of(request), visitors.origin_of(request)
        )
    except LiveError as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    return HttpResponse(str(question.votes), content_type="text/plain")


# --- moderation --------------------------------------------------------------------------


def _queue_context(session: LiveSession) -> dict:
    questions = list(session.questions.order_by("created_at", "pk"))
    merged: dict[int, list[Question]] = {}
    for q in questions:
        if q.status == Status.MERGED and q.merged_into_id:
            merged.setdefault(q.merged_into_id, []).append(q)
    questions = [q for q in questions if q.status != Status.MERGED]
    for q in questions:
        q.merged_questions = merged.get(q.pk, [])
    pending = [q for q in questions if q.status == Status.PENDING]
    open_ = [
        q for q in questions if q.status in (Status.PENDING, Status.APPROVED, Status.ANSWERING)
    ]
    for q in pending:
        q.suggestions = similar.suggestions(q, open_)
    # A possible emergency is pinned above everything else until the moderator deals with it.
    emergencies = [q for q in pending if guard.EMERGENCY in q.flags]
    told = _told(emergencies)
    for q in emergencies:
        q.told = told.get(q.pk, [])
    by_votes = lambda qs: sorted(qs, key=lambda q: (-q.votes, q.pk))  # noqa: E731
    return {
        "session": session,
        "emergencies": emergencies,
        "pending": [q for q in pending if q not in emergencies],
        "now": next((q for q in questions if q.status == Status.ANSWERING), None),
        "approved": by_votes([q for q in questions if q.status == Status.APPROVED]),
        "answered": [q for q in questions if q.status == Status.ANSWERED],
        "rejected": [q for q in questions if q.status == Status.REJECTED],
    }


def _told(questions: list[Question]) -> dict[int, list[Alert]]:
    """Who was told about each emergency (one query, none without emergencies)."""
    if not questions:
        return {}
    told: dict[int, list[Alert]] = {}
    for alert in Alert.objects.filter(question__in=questions).select_related("recipient__user"):
        told.setdefault(alert.question_id, []).append(alert)
    return told


@desk_required
def moderate(request, slug: str):
    session = _own_session(request, slug)
    return render(request, "live/moderate.html", {**_queue_context(session), "nav": "live"})


@desk_required
def moderate_queue(request, slug: str):
    return render(request, "live/_queue.html", _queue_context(_own_session(request, slug)))


MODERATION = {
    "approve": lambda q, post, actor: actions.approve(q, actor),
    "reject": lambda q, post, actor: actions.reject(q, actor),
    "edit": lambda q, post, actor: actions.edit(q, post.get("public_text", ""), actor),
    "unmerge": lambda q, post, actor: actions.unmerge(q, actor),
    "rename": lambda q, post, actor: actions.rename(q, post.get("nickname", ""), actor),
    "pin": lambda q, post, actor: actions.pin(q, actor),
    "answered": lambda q, post, actor: actions.mark_answered(q, post.get("note", ""), actor),
    "merge": lambda q, post, actor: actions.merge(
        q, get_object_or_404(Question, pk=post.get("into") or 0, session=q.session), actor
    ),
}


@require_POST
@desk_required
def moderate_action(request, slug: str, question_id: int, action: str):
    session = _own_session(request, slug)
    question = get_object_or_404(Question, pk=question_id, session=session)
    if action not in MODERATION:
        raise PermissionDenied
    reworded = " ".join(request.POST.get("public_text", "").split())
    # "Edit and approve" in one step: a changed wording is saved first.
    steps = (
        [MODERATION["edit"], MODERATION["approve"]]
        if action == "approve" and reworded and reworded != question.public_text
        else [MODERATION[action]]
    )
    # The name shown with it ("Klaus Meier" under a health question) can be changed or removed.
    renamed = " ".join(request.POST.get("nickname", question.nickname).split())
    if action in ("approve", "edit") and renamed != question.nickname:
        steps.insert(0, MODERATION["rename"])
    if action == "edit" and reworded == question.public_text:
        steps.remove(MODERATION["edit"])  # only the name changed
    try:
        for step in steps:
            step(question, request.POST, request.user)
    except LiveError as exc:
        context = {**_queue_context(session), "error": str(exc), "error_for": question.pk}
    else:
        context = _queue_context(session)
    return render(request, "live/_queue.html", context)


@require_POST
@desk_required
def moderate_merge(request, slug: str):
    """Merge the questions the moderator ticked: first choose which stays and its wording,
    then merge (``confirm``). The choice is drawn beside the queue, which polling redraws."""
    session = _own_session(request, slug)
    ids = [int(i) for i in request.POST.getlist("merge") if i.isdigit()]
    chosen = list(
        session.questions.filter(pk__in=ids)
        .exclude(status__in=[Status.MERGED, Status.REJECTED])
        .order_by("-votes", "created_at", "pk")
    )
    into = next((q for q in chosen if str(q.pk) == request.POST.get("into")), None)
    context = {
        "session": session,
        "chosen": chosen,
        "into": into or (chosen[0] if chosen else None),
    }
    if request.POST.get("confirm") and into is not None:
        try:
            actions.merge_many(chosen, into, request.POST.get("public_text", ""), request.user)
        except LiveError as exc:
            context["error"] = str(exc)
        else:
            return render(
                request, "live/_queue.html", {**_queue_context(session), "merge_done": True}
            )
    elif len(chosen) < 2:
        context["error"] = _("Select at least two questions to merge.")
    response = render(request, "live/_merge_panel.html", context)
    response["HX-Retarget"] = "#merge-panel"  # a refused merge answers beside the queue
    return response


# --- presenter ---------------------------------------------------------------------------


def _presenter_context(session: LiveSession) -> dict:
    board = _board_context(session)
    upcoming = [q for q in board["questions"] if q.status == Status.APPROVED][:4]
    return {"session": session, "now": board["now"], "upcoming": upcoming}


@desk_required
def present(request, slug: str):
    session = _own_session(request, slug)
    return render(request, "live/present.html", _presenter_context(session))


@desk_required
def present_board(request, slug: str):
    return render(
        request, "live/_present_board.html", _presenter_context(_own_session(request, slug))
    )


# --- setup, announcements, recap ---------------------------------------------------------


@desk_required
def session_list(request):
    sessions = live_sessions_for(request.person)
    context = {"sessions": sessions, "alerts": alerts.unread_for(request.person), "nav": "live"}
    return render(request, "live/sessions.html", context)


@desk_required
def session_edit(request, slug: str | None = None):
    session = _own_session(request, slug) if slug else None
    form = SessionForm(request.POST or None, instance=session, person=request.person)
    if request.method == "POST" and form.is_valid():
        # The form offers only the person's channels; checked again so that no later
        # change to the form can let a department post on the hospital's main accounts.
        require(not unpublishable(request.person, form.cleaned_data["channels"]))
        session = form.save(commit=False)
        session.organisation = request.person.organisation
        session.created_by = session.created_by or request.user
        session.save()
        form.save_m2m()
        messages.success(request, _("Saved."))
        return redirect("live:setup", slug=session.slug)
    context = {"form": form, "session": session, "nav": "live"}
    if session:
        context.update(
            announcements=session.announcements.select_related("story"),
            question_url=announce.question_page_url(session),
            counts={s: session.questions.filter(status=s).count() for s in Status.values},
        )
    return render(request, "live/setup.html", context)


@require_POST
@desk_required
def announce_session(request, slug: str):
    session = _own_session(request, slug)
    try:
        made = announce.create_announcements(session, actor=request.user)
    except PublishingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d announcement posts scheduled.") % {"n": len(made)})
    return redirect("live:setup", slug=slug)


@require_POST
@desk_required
def recap_story(request, slug: str):
    story = recap.create_recap(_own_session(request, slug), actor=request.user)
    messages.success(request, _("Recap drafted. Check it and plan the posts."))
    return redirect("web:story_edit", story_id=story.pk)


@desk_required
def questions_csv(request, slug: str):
    session = _own_session(request, slug)
    response = HttpResponse(recap.export_csv(session), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fragen-{session.slug}.csv"'
    return response
