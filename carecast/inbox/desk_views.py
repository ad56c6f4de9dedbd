"""Working together in the inbox: assigning an item, internal notes, saved replies, spikes.

Thin, like ``views``: who may do what comes from ``carecast.rights``; the work is in
``assign``, ``saved_replies`` and ``spikes``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.core.models import Person
from carecast.inbox import assign as assigning
from carecast.inbox import saved_replies, spikes
from carecast.inbox.forms import SavedReplyForm, SpikeSettingsForm
from carecast.inbox.models import SavedReply, SpikeAlert
from carecast.inbox.views import _back, _duty_page, _own_item
from carecast.rights import (
    channels_for,
    may_change_settings,
    may_keep_saved_replies,
    person_passes,
    person_required,
    require,
    require_publisher,
)


@require_POST
@person_required
def assign(request, item_id: int):
    """Give the item to a colleague who may act on its channel, or to nobody."""
    require_publisher(request.person)
    item = _own_item(request, item_id)
    chosen = request.POST.get("person") or ""
    assignee = None
    if chosen:
        assignee = get_object_or_404(
            Person.objects.select_related("user"),
            pk=chosen if chosen.isdigit() else 0,
            organisation_id=request.person.organisation_id,
        )
    try:
        changed = assigning.assign(item, assignee, request.user)
    except assigning.NotAssignable:
        raise PermissionDenied from None
    if changed:
        text = (
            _("Assigned to %(name)s.") % {"name": assignee}
            if assignee
            else _("No longer assigned to anyone.")
        )
        messages.success(request, text)
    return redirect(f"{_back(request)}#item-{item.pk}")


@require_POST
@person_required
def note(request, item_id: int):
    """An internal note: only colleagues in carecast read it."""
    require_publisher(request.person)
    item = _own_item(request, item_id)
    if assigning.add_note(item, request.POST.get("text", ""), request.user) is None:
        messages.error(request, _("The note is empty."))
    return redirect(f"{_back(request)}#item-{item.pk}")


# --- saved replies ---------------------------------------------------------------------------


def _saved(request, saved_id: int) -> SavedReply:
    return get_object_or_404(
        SavedReply, pk=saved_id, organisation_id=request.person.organisation_id
    )


@person_required
def saved_reply_list(request):
    """Everyone who replies sees the saved replies; the lead adds and changes them."""
    person = request.person
    keeps = may_keep_saved_replies(person)
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST":
        require(keeps)
        if form.is_valid():
            reply = form.save(commit=False)
            reply.organisation = person.organisation
            saved_replies.save(reply, request.user)
            messages.success(request, _("Saved reply added."))
            return redirect("inbox:saved_replies")
    replies = SavedReply.objects.filter(organisation=person.organisation).select_related(
        "updated_by"
    )
    context = {"nav": "inbox", "replies": replies, "form": form, "keeps": keeps}
    return render(request, "inbox/saved_replies.html", context)


@person_passes(may_keep_saved_replies)
def saved_reply_edit(request, saved_id: int):
    reply = _saved(request, saved_id)
    form = SavedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        saved_replies.save(form.save(commit=False), request.user)
        messages.success(request, _("Saved reply changed."))
        return redirect("inbox:saved_replies")
    context = {"nav": "inbox", "reply": reply, "form": form}
    return render(request, "inbox/saved_reply_edit.html", context)


@require_POST
@person_passes(may_keep_saved_replies)
def saved_reply_delete(request, saved_id: int):
    saved_replies.delete(_saved(request, saved_id), request.user)
    messages.success(request, _("Saved reply deleted."))
    return redirect("inbox:saved_replies")


# --- spikes ----------------------------------------------------------------------------------


@require_POST
@person_passes(may_change_settings)
def spike_settings(request):
    """The lead sets when negative comments count as a spike (on the rota page)."""
    rules = spikes.settings_for(request.person.organisation)
    form = SpikeSettingsForm(request.POST, instance=rules)
    if not form.is_valid():
        return _duty_page(request, spike_form=form)
    spikes.save_settings(form.save(commit=False), request.user)
    messages.success(request, _("Spike alert saved."))
    return redirect("inbox:duty")


@require_POST
@person_required
def spike_seen(request, spike_id: int):
    """Someone has looked: the banner goes for everyone (a new spike brings it back)."""
    require_publisher(request.person)
    alert = get_object_or_404(SpikeAlert, pk=spike_id, channel__in=channels_for(request.person))
    spikes.mark_seen(alert, request.user)
    return redirect(_back(request))
