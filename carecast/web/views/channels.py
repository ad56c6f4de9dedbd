"""The Channels page, one page per channel (health, limits, errors) and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.automation.forms import ChannelCapsForm
from carecast.networks import services
from carecast.networks.base import ConnectorError
from carecast.networks.connect import FLOWS
from carecast.networks.models import ChannelStatus
from carecast.publishing.channel_posts import archive_channel, scheduled_count
from carecast.publishing.models import Attempt, Publication, State
from carecast.rights import channels_for, person_required, require
from carecast.rights.roles import in_comms_team
from carecast.web.channel_forms import ArchiveForm, ChannelSettingsForm, describe_windows


@person_required
def channel_list(request):
    channels = (
        channels_for(request.person)
        .exclude(status=ChannelStatus.ARCHIVED)
        .select_related("department")
        .annotate(scheduled=Count("publications", filter=Q(publications__state=State.SCHEDULED)))
        # Paused channels first: they need someone to reconnect them.
        .order_by("-status", "name")
    )
    context = {
        "channels": channels,
        "nav": "channels",
        "may_connect": in_comms_team(request.person),
        "flows": [(name, flow, flow.available()) for name, flow in FLOWS.items()],
        "archived": channels_for(request.person).filter(status=ChannelStatus.ARCHIVED).count(),
    }
    return render(request, "web/channels.html", context)


def _channel(request, channel_id: int, manage: bool = False):
    channel = get_object_or_404(channels_for(request.person), pk=channel_id)
    if manage:
        require(in_comms_team(request.person))
    return channel


@person_required
def channel_detail(request, channel_id: int):
    channel = _channel(request, channel_id)
    last = (
        Publication.objects.filter(channel=channel, state=State.PUBLISHED)
        .order_by("-published_at")
        .first()
    )
    errors = (
        Attempt.objects.filter(publication__channel=channel)
        .filter(outcome__in=[Attempt.Outcome.ERROR, Attempt.Outcome.RETRY, Attempt.Outcome.UNKNOWN])
        .select_related("publication")
        .order_by("-started_at")[:10]
    )
    context = {
        "channel": channel,
        "nav": "channels",
        "last_published": last,
        "errors": errors,
        "limits": _limits(channel),
        "windows": describe_windows(channel.posting_windows),
        "may_manage": in_comms_team(request.person),
        "can_reconnect": channel.network in FLOWS and FLOWS[channel.network].reconnectable,
        "reconnect_by": services.reconnect_by(channel),
    }
    return render(request, "web/channels/detail.html", context)


def _limits(channel) -> list[tuple[str, str]]:
    rules = channel.rules
    config = channel.config or {}
    rows = [(_("Text"), _("%(n)d characters") % {"n": channel.text_limit})]
    images = config.get("max_media_attachments") or rules.max_images
    rows.append((_("Images per post"), str(images)))
    size = config.get("image_size_limit") or rules.max_image_bytes
    rows.append((_("Image size"), _("%(mb)s MB") % {"mb": number_format(int(size) / 1e6, 1)}))
    return rows


@person_required
def channel_settings(request, channel_id: int):
    channel = _channel(request, channel_id, manage=True)
    form = ChannelSettingsForm(request.POST if request.method == "POST" else None, channel=channel)
    # The daily cap and spacing of automatic posts sit with the posting windows.
    caps = ChannelCapsForm.for_channel(channel, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and caps.is_valid():
        data = form.cleaned_data
        channel.name, channel.purpose = data["name"], data["purpose"]
        channel.department, channel.timezone = data["department"], data["timezone"]
        channel.posting_windows = form.windows()
        channel.save(update_fields=["name", "purpose", "department", "timezone", "posting_windows"])
        caps.save()
        messages.success(request, _("Settings saved."))
        return redirect("web:channel", channel.pk)
    context = {"channel": channel, "form": form, "caps": caps, "nav": "channels"}
    return render(request, "web/channels/settings.html", context)


@require_POST
@person_required
def channel_pause(request, channel_id: int):
    channel = _channel(request, channel_id, manage=True)
    services.pause(channel, _("Paused by %(name)s.") % {"name": request.person}, actor=request.user)
    messages.success(request, _("The channel is paused; planned posts wait."))
    return redirect("web:channel", channel.pk)


@require_POST
@person_required
def channel_resume(request, channel_id: int):
    channel = _channel(request, channel_id, manage=True)
    try:
        services.resume(channel, actor=request.user)
    except ConnectorError as exc:
        services.record_check(channel, False if exc.auth else None, str(exc))
        if exc.auth:  # the reason shown on the channel becomes the network's answer
            services.pause(channel, str(exc))
        messages.error(
            request,
            _("The network still refuses the access. Please reconnect the account. (%(why)s)")
            % {"why": exc},
        )
    else:
        messages.success(request, _("The channel posts again."))
    return redirect("web:channel", channel.pk)


@person_required
def channel_archive(request, channel_id: int):
    channel = _channel(request, channel_id, manage=True)
    form = ArchiveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        moved = archive_channel(channel, form.cleaned_data["scheduled"], actor=request.user)
        messages.success(
            request,
            _("“%(name)s” is archived. Planned posts changed: %(n)d.")
            % {"name": channel.name, "n": moved},
        )
        return redirect("web:channels")
    context = {
        "channel": channel,
        "form": form,
        "scheduled": scheduled_count(channel),
        "nav": "channels",
    }
    return render(request, "web/channels/archive.html", context)
