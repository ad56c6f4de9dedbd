from __future__ import annotations

from carecast.networks.models import ChannelStatus
from carecast.rights import Can, channels_for, person_of


def navigation(request):
    """Values every page's layout needs: who is signed in, what they may do (``can``, the
    same answers as ``carecast.rights``), and which channels are paused."""
    person = person_of(request.user) if hasattr(request, "user") else None
    if person is None:
        return {"person": None, "organisation": None, "paused_channels": [], "can": Can(None)}
    paused = (
        channels_for(person)
        .filter(status=ChannelStatus.PAUSED)
        .only("id", "name", "status_reason", "is_sandbox")
    )
    return {
        "person": person,
        "organisation": person.organisation,
        "paused_channels": list(paused),
        "can": Can(person),
    }
