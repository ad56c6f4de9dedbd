"""Freigaben: the review queue, one story in review, decisions, and the approval rules.

Thin views over ``carecast.approvals``; who may do what is ``carecast.rights``.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.approvals import notify, rules, services
from carecast.approvals import replies as reply_reviews
from carecast.approvals.models import Notice, ReplyReview, Review, ReviewState
from carecast.core.timezones import resolve_local
from carecast.rights import (
    can_publish,
    inbox_items_for,
    may_set_approval_rules,
    person_passes,
    person_required,
    require,
    stories_for,
)
from carecast.stories.services import report
from carecast.web.review_forms import (
    DecisionForm,
    ModeForm,
    NewTimeForm,
    ReplyLabelsForm,
    apply_decision,
)

RECENT = 20


def reviews_for(person):
    """Reviews of the stories the person sees."""
    return Review.objects.filter(story__in=stories_for(person)).select_related(
        "story", "requested_by", "decided_by"
    )


@person_passes(can_publish)
def queue(request):
    """The stories and replies waiting for this person's decision, and their own submissions."""
    person = request.person
    pending = [
        r
        for r in reviews_for(person).filter(state=ReviewState.PENDING).order_by("requested_at")
        if services.may_decide(person, r)
    ]
    replies = [
        r
        for r in ReplyReview.objects.filter(
            item__in=inbox_items_for(person), state=ReviewState.PENDING
        ).select_related("item__channel", "requested_by")
        if reply_reviews.may_decide(person, r)
    ]
    context = {
        "pending": pending,
        "pending_replies": replies,
        "mine": reviews_for(person).filter(requested_by=request.user)[:RECENT],
        "notices": _notices(person),
        "labels_form": ReplyLabelsForm(organisation=person.organisation)
        if may_set_approval_rules(person)
        else None,
        "nav": "reviews",
    }
    return render(request, "web/reviews/queue.html", context)


def _notices(person) -> list:
    notices = list(
        Notice.objects.filter(recipient=person)
        .select_related("review__story", "story", "reply_review__item__channel", "actor")
        .order_by("read_at", "-created_at")[:RECENT]
    )
    for notice in notices:
        notice.link, notice.about = notify.link_of(notice), notify.subject_of(notice)
    # Seen in the list: the badge goes, the list still marks them "new" this once.
    Notice.objects.filter(pk__in=[n.pk for n in notices if not n.read_at]).update(
        read_at=timezone.now()
    )
    return notices


def _review(request, review_id: int) -> Review:
    return get_object_or_404(reviews_for(request.person), pk=review_id)


def _posts(review: Review) -> list:
    """The posts as submitted, each with its count, and whether it changed since."""
    from carecast.approvals.guard import fingerprint

    posts = []
    variants = review.story.variants.filter(channel_id__in=review.channel_ids)
    media = list(review.story.media.all())
    for variant in variants.select_related("channel", "story"):
        variant.report = report(variant.channel, variant.text, media)
        variant.changed = fingerprint(variant) != review.posts.get(str(variant.channel_id))
        posts.append(variant)
    return posts


@person_required
def review_detail(request, review_id: int):
    review = _review(request, review_id)
    person = request.person
    notify.mark_read(person, review=review)
    may_decide = services.may_decide(person, review)
    context = {
        "review": review,
        "posts": _posts(review),
        "media": list(review.story.media.all()),
        "history": reviews_for(person).filter(story=review.story).order_by("-requested_at"),
        "may_decide": may_decide and review.state == ReviewState.PENDING,
        "may_plan": review.needs_new_time
        and (may_decide or review.requested_by_id == request.user.pk),
        "decision_form": DecisionForm(),
        "time_form": NewTimeForm(),
        "nav": "reviews",
    }
    return render(request, "web/reviews/detail.html", context)


@require_POST
@person_required
def review_decide(request, review_id: int):
    review = _review(request, review_id)
    require(services.may_decide(request.person, review))
    decided = apply_decision(request, partial(services.decide, review, request.person))
    if decided is None:
        return redirect("web:review", review_id=review.pk)
    for problem in decided[1]:
        messages.error(request, problem)
    messages.success(request, _decided_message(review))
    return redirect("web:reviews")


def _decided_message(review: Review) -> str:
    if review.state == ReviewState.APPROVED and review.needs_new_time:
        return _("Approved. The planned time has passed: a new time must be chosen.")
    return {
        ReviewState.APPROVED: _("Approved and planned."),
        ReviewState.CHANGES_REQUESTED: _("Changes requested."),
        ReviewState.REJECTED: _("Rejected."),
    }[review.state]


@require_POST
@person_required
def review_new_time(request, review_id: int):
    """After a late approval: plan the approved posts for a new time."""
    review = _review(request, review_id)
    form = NewTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a date and time."))
        return redirect("web:review", review_id=review.pk)
    due = resolve_local(form.cleaned_data["due"], request.person.organisation.timezone).instant
    try:
        problems = services.schedule_approved(review, request.person, due)
    except services.ApprovalError as exc:
        messages.error(request, str(exc))
        return redirect("web:review", review_id=review.pk)
    for problem in problems:
        messages.error(request, problem)
    messages.success(request, _("Planned for the new time."))
    return redirect("web:story_detail", story_id=review.story_id)


# ---------- the lead's rules ----------


@require_POST
@person_passes(may_set_approval_rules)
def channel_rule(request, channel_id: int):
    from carecast.rights import channels_for

    channel = get_object_or_404(channels_for(request.person), pk=channel_id)
    form = ModeForm(request.POST, inherit=True)
    if form.is_valid():
        rules.set_channel_mode(channel, form.cleaned_data["mode"], request.user)
        messages.success(request, _("Approval rule saved."))
    return redirect("web:channel_settings", channel_id=channel.pk)


@require_POST
@person_passes(may_set_approval_rules)
def department_rule(request, department_id: int):
    from carecast.core.models import Department

    department = get_object_or_404(
        Department, pk=department_id, organisation_id=request.person.organisation_id
    )
    form = ModeForm(request.POST, inherit=False)
    if form.is_valid():
        rules.set_department_mode(department, form.cleaned_data["mode"], request.user)
        messages.success(request, _("Approval rule saved."))
    return redirect("web:department_edit", department_id=department.pk)


@require_POST
@person_passes(may_set_approval_rules)
def reply_rules(request):
    form = ReplyLabelsForm(request.POST, organisation=request.person.organisation)
    if form.is_valid():
        rules.set_reply_labels(
            request.person.organisation, form.cleaned_data["labels"], request.user
        )
        messages.success(request, _("Approval rule saved."))
    return redirect("web:reviews")
