"""The inbox pages: items with guarded replies, and the duty rota.

Thin: access through ``carecast.rights`` (department editors see their department's
channels only and are never on duty), work through ``services``/``duty``. The comment text
is untrusted and is only ever auto-escaped.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.inbox import duty as duty_service
from carecast.inbox import hide, retention, saved_replies, send, services, spikes
from carecast.inbox.assign import assigned_to_me, waiting_for
from carecast.inbox.forms import FilterForm, RetentionForm, ShiftForm, SpikeSettingsForm
from carecast.inbox.labels import LABEL_NAMES, stored_triage
from carecast.inbox.models import (
    ChannelInbox,
    DutyShift,
    InboxItem,
    InboxNote,
    InboxReply,
    Notification,
    Status,
)
from carecast.inbox.replies import moderator_hint, ready_reply
from carecast.lib.language import guess_language
from carecast.rights import (
    assignees_for,
    can_publish,
    channels_for,
    inbox_items_for,
    may_change_settings,
    may_erase_comments,
    may_plan_rota,
    may_take_duty,
    person_required,
    reply_needs_approval,
    require,
    require_publisher,
)

PAGE_SIZE = 30


def items_for(person):
    return inbox_items_for(person).select_related(
        "channel", "handled_by", "organisation", "assigned_to__user"
    )


def _own_item(request, item_id: int) -> InboxItem:
    return get_object_or_404(items_for(request.person), pk=item_id)


def _card(request, item: InboxItem, can_reply: bool) -> dict:
    """What one item card (inbox/_item.html) needs beside the item."""
    return {
        "item": item,
        "can_reply": can_reply,
        "can_erase": may_erase_comments(request.person),
        "back": page_url(request),
    }


def page_url(request) -> str:
    """The page the card is shown on, for its forms' ``next``: a card redrawn by htmx after
    a POST would otherwise send them back to the POST-only address."""
    if request.method == "GET":
        return request.get_full_path()
    current = urlsplit(request.headers.get("HX-Current-URL") or "")
    if current.path and url_has_allowed_host_and_scheme(
        request.headers["HX-Current-URL"], {request.get_host()}, request.is_secure()
    ):
        return current.path + (f"?{current.query}" if current.query else "")
    return "/inbox/"


def _back(request, default: str = "/inbox/") -> str:
    """Where to return after a POST: the page it came from, if it is ours."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- the inbox -------------------------------------------------------------------------------


def decorate(items, language: str, drafts: dict | None = None) -> list[InboxItem]:
    """What each card shows beside the item: label names, reasons, hint, ready reply, replies."""
    drafts = drafts or {}
    replies: dict[int, list[InboxReply]] = {}
    for reply in InboxReply.objects.filter(item__in=items).order_by("created_at", "pk"):
        replies.setdefault(reply.item_id, []).append(reply)
    reviews = _reply_reviews(items)
    told: dict[int, list[Notification]] = {}
    notified = [item for item in items if item.notified_at]
    for notice in Notification.objects.filter(item__in=notified).select_related("recipient__user"):
        told.setdefault(notice.item_id, []).append(notice)
    notes: dict[int, list[InboxNote]] = {}
    for note in InboxNote.objects.filter(item__in=items).select_related("author"):
        notes.setdefault(note.item_id, []).append(note)
    team = _team_per_channel(items)
    offered = saved_replies.offered(items[0].organisation, language) if items else []
    for item in items:
        item.note_list = notes.get(item.pk, [])
        item.assignees = team.get(item.channel_id, [])
        values = saved_replies.values_for(item)
        item.saved = [
            {"title": r.title, "language": r.language, "text": saved_replies.fill(r.text, values)}
            for r in offered
        ]
        result = stored_triage(item)
        item.chips = [
            {
                "label": label,
                "name": LABEL_NAMES.get(label, label),
                "words": item.reasons.get(label, []),
                "guessed": label in item.guessed,
            }
            for label in item.labels
        ]
        item.doubted_list = [
            {"name": LABEL_NAMES.get(label, label), "words": words}
            for label, words in item.doubted.items()
        ]
        item.hints = moderator_hint(result, language)
        item.offer_hide = hide.offer_hide(item)
        # The public reply speaks the commenter's language (German when unclear), whatever
        # the moderator's UI language is.
        item.ready = ready_reply(result, guess_language(item.text))
        item.reply_list = replies.get(item.pk, [])
        item.told = told.get(item.pk, [])
        item.reply_reviews = reviews.get(item.pk, [])
        item.pending = any(r.state == "sending" for r in item.reply_list)
        draft = drafts.get(item.pk)
        # Once a reply went out, the ready text is not offered again (no double answers).
        item.prefilled = not draft and not item.reply_list and bool(item.ready)
        item.draft = draft["text"] if draft else (item.ready if item.prefilled else "")
        item.findings = draft["findings"] if draft else []
        item.draft_error = draft.get("error", "") if draft else ""
    return items


def _team_per_channel(items) -> dict[int, list]:
    """Who each item's channel may be assigned to (one query per channel on the page)."""
    team: dict[int, list] = {}
    for item in items:
        if item.channel_id not in team:
            people = assignees_for(item.channel).select_related("user")
            team[item.channel_id] = list(people.order_by("user__first_name", "user__username"))
    return team


def _reply_reviews(items) -> dict[int, list]:
    """Replies waiting for approval, or sent back with a comment (``approvals``), per item."""
    from carecast.approvals.models import ReplyReview, ReviewState

    found: dict[int, list] = {}
    for review in ReplyReview.objects.filter(item__in=items).exclude(state=ReviewState.APPROVED):
        found.setdefault(review.item_id, []).append(review)
    return found


def _inbox_context(request, drafts: dict | None = None) -> dict:
    person = request.person
    channels = list(channels_for(person).order_by("name"))
    form = FilterForm(request.GET or None, channels)
    items = items_for(person)
    if channel := form.value("channel"):
        items = items.filter(channel_id=channel)
    if mine := bool(form.value("mine")):
        items = assigned_to_me(items, person)
    status = form.value("status") or ""
    pinned = items.filter(is_emergency=True, status=Status.OPEN).order_by("-received_at", "-pk")
    rest = items.exclude(pk__in=pinned.values("pk")) if not status else items
    if label := form.value("label"):
        rest = rest.filter(label_index__contains=f",{label},")
        pinned = pinned.filter(label_index__contains=f",{label},")
    if status == "":
        rest = rest.filter(status=Status.OPEN)
    elif status != "all":
        rest = rest.filter(status=status)
    page = Paginator(rest.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    language = request.LANGUAGE_CODE
    pinned_list = decorate(list(pinned), language, drafts) if status == "" else []
    return {
        "nav": "inbox",
        "back": page_url(request),
        "filter": form,
        "pinned": pinned_list,
        "page": page,
        "items": decorate(list(page.object_list), language, drafts),
        "channel_errors": ChannelInbox.objects.filter(channel__in=channels)
        .exclude(last_error="")
        .select_related("channel"),
        "filtered": bool(request.GET.get("label") or request.GET.get("channel") or status or mine),
        "mine": mine,
        "mine_count": waiting_for(items_for(person), person),
        "spikes": spikes.current(channels_for(person)),
        "on_duty": duty_service.on_duty(person.organisation),
        "can_reply": can_publish(person),
        "can_erase": may_erase_comments(person),
        "retention_days": person.organisation.comment_retention_days,
        "sets_retention": may_change_settings(person),
    }


@person_required
def inbox(request):
    return render(request, "inbox/inbox.html", _inbox_context(request))


@person_required
def item_detail(request, item_id: int):
    """One item: the link in the emergency email, and what htmx polls while a reply is sending."""
    item = _own_item(request, item_id)
    decorate([item], request.LANGUAGE_CODE)
    context = {**_card(request, item, can_publish(request.person)), "nav": "inbox"}
    template = "inbox/_item.html" if _is_htmx(request) else "inbox/item.html"
    return render(request, template, context)


@require_POST
@person_required
def reply(request, item_id: int):
    require_publisher(request.person)
    item = _own_item(request, item_id)
    closed = send.closed_window(item)  # Meta's 24 hours after a private message have passed
    if closed:
        draft = {"text": request.POST.get("text", ""), "findings": [], "error": closed}
        return _keep_draft(request, item, draft)
    if reply_needs_approval(request.person, item):
        submitted = _submit_for_approval(request, item)
        if submitted is not None:
            return submitted
    outcome = services.queue_reply(item, request.POST.get("text", ""), request.user)
    draft = None
    if outcome.blocked:
        text = request.POST.get("text", "")
        draft = {"text": text, "findings": outcome.findings}
        if not text.strip():
            draft.update(findings=[], error=_("The reply is empty."))
    item.refresh_from_db()
    if _is_htmx(request):
        decorate([item], request.LANGUAGE_CODE, {item.pk: draft} if draft else None)
        return render(request, "inbox/_item.html", _card(request, item, True))
    if draft:
        # The text is kept and the findings are shown next to it: no redirect.
        context = _inbox_context(request, {item.pk: draft})
        context["focus"] = item.pk
        return render(request, "inbox/inbox.html", context, status=200)
    messages.success(request, _("The reply is on its way."))
    return redirect(f"{_back(request)}#item-{item.pk}")


def _keep_draft(request, item, draft):
    """The reply box again with the kept text and why it was not sent."""
    if _is_htmx(request):
        decorate([item], request.LANGUAGE_CODE, {item.pk: draft})
        return render(request, "inbox/_item.html", _card(request, item, True))
    context = _inbox_context(request, {item.pk: draft})
    context["focus"] = item.pk
    return render(request, "inbox/inbox.html", context, status=200)


def _submit_for_approval(request, item):
    """A reply to a label the lead chose waits for approval; one the checks block (or an
    empty one) takes the usual path, which shows the findings beside the kept text."""
    from carecast.approvals import replies as reply_reviews

    text = request.POST.get("text", "")
    if not text.strip() or any(f.blocks for f in services.check_reply(text)):
        return None
    reply_reviews.submit(item, text, request.person)
    messages.success(request, _("The reply waits for approval; the approvers have been told."))
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{_back(request)}#item-{item.pk}"
        return response
    return redirect(f"{_back(request)}#item-{item.pk}")


@require_POST
@person_required
def set_status(request, item_id: int):
    require_publisher(request.person)
    item = _own_item(request, item_id)
    if request.POST.get("status") == Status.DONE:
        services.mark_done(item, request.user)
    else:
        services.reopen(item)
    if _is_htmx(request):
        item.refresh_from_db()
        decorate([item], request.LANGUAGE_CODE)
        return render(request, "inbox/_item.html", _card(request, item, True))
    return redirect(_back(request))


@require_POST
@person_required
def settle(request, reply_id: int):
    require_publisher(request.person)
    found = get_object_or_404(
        InboxReply.objects.select_related("item"), pk=reply_id, item__in=items_for(request.person)
    )
    services.settle_unconfirmed(found, request.POST.get("arrived") == "1", request.user)
    return redirect(f"{_back(request)}#item-{found.item_id}")


@require_POST
@person_required
def hide_on_network(request, item_id: int):
    """Hide the comment under the hospital's post on the network (where it can)."""
    require_publisher(request.person)
    item = _own_item(request, item_id)
    problem = hide.hide_on_network(item, request.user)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("Hidden on the network. It is not deleted there."))
    return redirect(f"{_back(request)}#item-{item.pk}")


@require_POST
@person_required
def erase(request, item_id: int):
    """An erasure request: the comment's text, author and link leave carecast now."""
    item = _own_item(request, item_id)
    require(may_erase_comments(request.person))
    if retention.erase_on_request(item, request.user):
        messages.success(
            request,
            _("The comment's copy in carecast is erased. Its labels still count in the numbers."),
        )
    else:
        messages.error(
            request,
            _(
                "Not erased: it was erased already, or a reply to it is still being sent. Try again in a minute."
            ),
        )
    return redirect(f"{_back(request)}#item-{item.pk}")


# --- the duty rota ---------------------------------------------------------------------------


@person_required
def duty(request):
    person = request.person
    form = ShiftForm(
        request.POST or None, organisation=person.organisation, initial={"person": person}
    )
    if request.method == "POST":
        require(may_plan_rota(person))
        if form.is_valid():
            shift = form.save(commit=False)
            shift.organisation, shift.created_by = person.organisation, request.user
            shift.save()
            messages.success(request, _("Shift added."))
            return redirect("inbox:duty")
    return _duty_page(request, shift_form=form)


@require_POST
@person_required
def retention_period(request):
    """The communications lead sets how long copies of comments are kept."""
    person = request.person
    require(may_change_settings(person))
    form = RetentionForm(request.POST, instance=person.organisation)
    if not form.is_valid():
        return _duty_page(request, retention_form=form)
    retention.set_period(
        person.organisation, form.cleaned_data["comment_retention_days"], request.user
    )
    messages.success(request, _("Retention period saved."))
    return redirect("inbox:duty")


def _duty_page(request, shift_form=None, retention_form=None, spike_form=None):
    """The rota, the retention period and the spike alert; a form comes back with its errors."""
    person = request.person
    now = timezone.now()
    shifts = (
        DutyShift.objects.filter(organisation=person.organisation, ends_at__gt=now)
        .select_related("person__user")
        .order_by("starts_at", "pk")
    )
    context = {
        "nav": "inbox",
        "form": shift_form
        or ShiftForm(organisation=person.organisation, initial={"person": person}),
        "current": [s for s in shifts if s.starts_at <= now],
        "upcoming": [s for s in shifts if s.starts_at > now],
        "plans_rota": may_plan_rota(person),
        "can_take": may_take_duty(person),
        "quick_hours": int(duty_service.QUICK_SHIFT.total_seconds() // 3600),
        "retention_form": retention_form or RetentionForm(instance=person.organisation),
        "sets_retention": may_change_settings(person),
        "spike_form": spike_form
        or SpikeSettingsForm(instance=spikes.settings_for(person.organisation)),
    }
    return render(request, "inbox/duty.html", context)


@require_POST
@person_required
def duty_take(request):
    # Whoever is on duty is told of emergencies on every channel: not a department editor.
    require(may_take_duty(request.person))
    duty_service.take_over_now(request.person, actor=request.user)
    messages.success(request, _("You are on duty for the next eight hours."))
    return redirect("inbox:duty")


@require_POST
@person_required
def duty_delete(request, shift_id: int):
    shift = get_object_or_404(
        DutyShift, pk=shift_id, organisation_id=request.person.organisation_id
    )
    require(shift.person_id == request.person.pk or may_plan_rota(request.person))
    shift.delete()
    messages.success(request, _("Shift deleted."))
    return redirect("inbox:duty")
