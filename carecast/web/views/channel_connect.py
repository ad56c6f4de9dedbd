"""Connecting an account (a new channel, or reconnecting one): thin views over the flows.

OAuth flows keep what they must remember (state, PKCE verifier) in the server-side
session until the network sends the browser back to ``connect_callback``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from carecast.networks import registry
from carecast.networks.connect import FLOWS, ConnectError, Flow, OAuthFlow
from carecast.networks.models import Channel, ChannelStatus
from carecast.networks.services import save_connected
from carecast.rights import channels_for, person_required, require
from carecast.rights.roles import in_comms_team

SESSION_KEY = "channel_connect"
MAX_PENDING = 5  # abandoned sign-ins must not grow the session without end


def public_base(request) -> str:
    """This carecast's address as the networks must call it back."""
    configured = request.person.organisation.public_url.rstrip("/")
    return configured or request.build_absolute_uri("/").rstrip("/")


def _flow(network: str) -> Flow:
    if network not in FLOWS:
        raise Http404
    return FLOWS[network]


@person_required
def connect_start(request, network: str, channel_id: int | None = None):
    """The start form of one network; a POST signs in (OAuth) or connects (form)."""
    require(in_comms_team(request.person))
    flow = _flow(network)
    channel = None
    if channel_id is not None:
        if not flow.reconnectable:
            raise Http404
        channel = get_object_or_404(
            channels_for(request.person).exclude(status=ChannelStatus.ARCHIVED),
            pk=channel_id,
            network=network,
        )
    data = {f.name: request.POST.get(f.name, "").strip() for f in flow.fields()}
    if request.method == "POST" and not flow.available():
        try:
            return _connect(request, flow, data, channel)
        except ConnectError as exc:
            messages.error(request, exc.message)
    context = {
        "network": registry.get(network),
        "flow": flow,
        "inputs": [(f, data.get(f.name) or _prefill(f.name, channel)) for f in flow.fields()],
        "name": request.POST.get("name", ""),
        "channel": channel,
        "unavailable": flow.available(),
        "nav": "channels",
    }
    return render(request, "web/channels/connect.html", context)


def _prefill(name: str, channel: Channel | None) -> str:
    """A reconnect signs in the same account again: offer its server or handle."""
    if channel is None:
        return ""
    return {"server": channel.base_url, "handle": channel.handle, "path": channel.handle}.get(
        name, ""
    )


def _connect(request, flow: Flow, data: dict[str, str], channel: Channel | None):
    name = request.POST.get("name", "").strip()
    if isinstance(flow, OAuthFlow):
        callback = public_base(request) + reverse("web:channel_connect_callback")
        started = flow.begin(data, callback)
        pending = {**started.pending, "name": name, "channel_id": channel.pk if channel else None}
        kept = request.session.get(SESSION_KEY, {})
        kept = dict(list(kept.items())[-(MAX_PENDING - 1) :])
        kept[pending["state"]] = pending
        request.session[SESSION_KEY] = kept
        return redirect(started.url)
    account = flow.connect(data)
    return _finish(request, flow.network, account, name, channel)


def _finish(request, network: str, account, name: str, channel: Channel | None):
    saved = save_connected(
        request.person.organisation,
        network,
        account,
        name=name,
        channel=channel,
        public_base=public_base(request),
        actor=request.user,
    )
    if channel is not None:
        messages.success(request, _("%(name)s is connected again.") % {"name": saved.name})
        return redirect("web:channel", saved.pk)
    messages.success(
        request,
        _("%(handle)s is connected. Now set the channel's purpose and posting windows.")
        % {"handle": saved.handle},
    )
    return redirect("web:channel_settings", saved.pk)


@person_required
def connect_callback(request):
    """Where the network sends the browser back after its sign-in page."""
    require(in_comms_team(request.person))
    kept = request.session.get(SESSION_KEY, {})
    pending = kept.pop(request.GET.get("state", ""), None)
    request.session[SESSION_KEY] = kept
    if pending is None:
        messages.error(
            request, _("This sign-in was not started here or has expired. Please start again.")
        )
        return redirect("web:channels")
    flow = _flow(pending["network"])
    channel = None
    if pending.get("channel_id"):
        channel = get_object_or_404(channels_for(request.person), pk=pending["channel_id"])
    try:
        account = flow.complete(pending, request.GET.dict())
        return _finish(request, flow.network, account, pending.get("name", ""), channel)
    except ConnectError as exc:
        messages.error(request, exc.message)
    if channel is not None:
        return redirect("web:channel_reconnect", channel.network, channel.pk)
    return redirect("web:channel_connect", flow.network)
