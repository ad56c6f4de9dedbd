from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import render

from carecast.publishing.models import State
from carecast.web.access import channels_for, person_required


@person_required
def channel_list(request):
    channels = (
        channels_for(request.person)
        .select_related("department")
        .annotate(scheduled=Count("publications", filter=Q(publications__state=State.SCHEDULED)))
        # Paused channels first: they need someone to reconnect them.
        .order_by("-status", "name")
    )
    return render(request, "web/channels.html", {"channels": channels, "nav": "channels"})
