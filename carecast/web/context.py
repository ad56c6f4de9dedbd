from __future__ import annotations


def navigation(request):
    """Values every page's layout needs."""
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    return {"person": person, "organisation": person.organisation if person else None}
