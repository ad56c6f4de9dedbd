"""The peer ranking page: everyone signed in reads it, the lead chooses the peers."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.peers import ranking, services
from carecast.peers.forms import PeerForm
from carecast.peers.models import Peer
from carecast.peers.profiles import ProfileInputError
from carecast.rights import may_manage_peers, person_required, require


@person_required
def ranking_page(request):
    return _page(request)


def _page(request, form=None):
    person = request.person
    by = request.GET.get("by", "engagement")
    rows = ranking.ranking(person.organisation, timezone.localdate(), by)
    context = {
        "nav": "analytics",
        "rows": rows,
        "by": by if by in ranking.ORDERS else "engagement",
        "own_rows": [r for r in rows if r.is_own],
        "peer_count": sum(1 for r in rows if not r.is_own),
        "manages": may_manage_peers(person),
        "form": form or PeerForm(),
    }
    return render(request, "peers/ranking.html", context, status=400 if form else 200)


@person_required
def export(request, fmt: str):
    """The ranking as CSV or XLSX, numbers unrounded, missing ones empty."""
    from carecast.reports.spreadsheet import download

    rows = ranking.ranking(
        request.person.organisation, timezone.localdate(), request.GET.get("by", "engagement")
    )
    headers = [
        _("Place"),
        _("Account"),
        _("Network"),
        _("Handle"),
        _("ours"),
        _("Followers"),
        _("Growth (30 days)"),
        _("Posts per week"),
        _("Interactions per post"),
        _("Engagement rate"),
    ]
    body = [
        [
            r.place,
            r.peer.name,
            r.peer.get_network_display(),
            r.peer.handle,
            "x" if r.is_own else "",
            r.followers,
            r.growth,
            r.posts_per_week,
            r.interactions_per_post,
            r.engagement_rate,
        ]
        for r in rows
    ]
    return download(f"klinikvergleich-{timezone.localdate()}", headers, body, fmt)


@require_POST
@person_required
def add(request):
    person = request.person
    require(may_manage_peers(person))
    form = PeerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            peer = services.add_peer(
                person.organisation,
                data["network"],
                data["profile"],
                data["server"] or "",
                data["name"],
                request.user,
            )
        except ProfileInputError as exc:
            form.add_error("profile", str(exc))
        else:
            messages.success(request, _("“%(name)s” is now compared.") % {"name": peer})
            return redirect("peers:ranking")
    return _page(request, form)


@require_POST
@person_required
def remove(request, peer_id: int):
    person = request.person
    require(may_manage_peers(person))
    peer = get_object_or_404(
        Peer, pk=peer_id, organisation=person.organisation, channel__isnull=True
    )
    services.remove_peer(peer, request.user)
    messages.success(request, _("“%(name)s” is no longer compared.") % {"name": peer})
    return redirect("peers:ranking")


@require_POST
@person_required
def count_now(request):
    """Read every profile now instead of waiting for the morning."""
    person = request.person
    require(may_manage_peers(person))
    ok, failed = services.count_all(person.organisation)
    if failed:
        messages.error(
            request,
            _("%(failed)d of %(total)d profiles could not be read.")
            % {"failed": failed, "total": ok + failed},
        )
    else:
        messages.success(request, _("%(total)d profiles read.") % {"total": ok})
    return redirect("peers:ranking")
