"""A reply waiting for approval: the comment, the draft reply and its findings side by side."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.approvals import notify, replies
from carecast.approvals.models import ReplyReview, ReviewState
from carecast.inbox.labels import LABEL_NAMES
from carecast.rights import inbox_items_for, person_required, require
from carecast.web.review_forms import DecisionForm, apply_decision


def _reply_review(request, review_id: int) -> ReplyReview:
    return get_object_or_404(
        ReplyReview.objects.filter(item__in=inbox_items_for(request.person)).select_related(
            "item__channel", "requested_by", "decided_by"
        ),
        pk=review_id,
    )


@person_required
def reply_review_detail(request, review_id: int):
    review = _reply_review(request, review_id)
    notify.mark_read(request.person, reply_review=review)
    context = {
        "review": review,
        "label_names": [LABEL_NAMES.get(label, label) for label in review.labels],
        "may_decide": review.state == ReviewState.PENDING
        and replies.may_decide(request.person, review),
        "decision_form": DecisionForm(),
        "nav": "reviews",
    }
    return render(request, "web/reviews/reply.html", context)


@require_POST
@person_required
def reply_review_decide(request, review_id: int):
    review = _reply_review(request, review_id)
    require(replies.may_decide(request.person, review))
    decided = apply_decision(request, partial(replies.decide, review, request.person))
    if decided is None:
        return redirect("web:reply_review", review_id=review.pk)
    if decided[0] == "approve":
        messages.success(request, _("Approved: the reply is on its way."))
    else:
        messages.success(request, _("Sent back to the author with your comment."))
    return redirect("web:reviews")
