from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from carecast.automation.models import AutoPost
from carecast.publishing import daily_limits
from carecast.rights import channels_for, person_required, publications_for
from carecast.web import calendar
from carecast.web.forms import CalendarForm


@person_required
def calendar_view(request):
    """Redaktionsplan: a week (default) or month of posts, by due time in the organisation's zone."""
    form = CalendarForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    today = timezone.localdate()
    view = data.get("view") or "week"
    anchor = data.get("date") or today
    period = calendar.week(anchor, today) if view == "week" else calendar.month(anchor, today)
    zone = request.person.organisation.timezone
    start, end = period.bounds(zone)
    channels = list(channels_for(request.person).order_by("name"))
    publications = (
        publications_for(request.person)
        .filter(due_at__gte=start, due_at__lt=end)
        .select_related("channel", "variant__story")
    )
    channel_id = data.get("channel")
    if channel_id:
        publications = publications.filter(channel_id=channel_id)
    publications = list(publications)
    # Posts the automation made are marked on their card (one query for the whole period).
    automatic = set(
        AutoPost.objects.filter(publication__in=[p.pk for p in publications]).values_list(
            "publication_id", flat=True
        )
    )
    for publication in publications:
        publication.is_automatic = publication.pk in automatic
    period.place(publications, zone)
    for day in period.days:
        day.limit_warnings = daily_limits.day_warnings(day.date, day.publications)
    context = {
        "period": period,
        "today": today,
        "channels": channels,
        "channel_id": channel_id,
        "count": sum(len(d.publications) for d in period.days),
        "nav": "calendar",
    }
    return render(request, "web/calendar.html", context)
