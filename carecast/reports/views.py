"""The "Auswertung" pages: the dashboard, the monthly PDF and who receives it by e-mail."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.reports import dashboard, delivery, pdf
from carecast.reports.figures import Month
from carecast.reports.forms import ReportSettingsForm
from carecast.rights import (
    channels_for,
    is_department_scoped,
    may_change_settings,
    may_read_report,
    person_required,
    require,
)

PERIODS = (3, 6, 12)


def _scope(person) -> list[int] | None:
    """Department editors see their department's channels; everyone else the organisation."""
    if is_department_scoped(person):
        return list(channels_for(person).values_list("pk", flat=True))
    return None


def _scope_key(scope: list[int] | None) -> str:
    return "all" if scope is None else ",".join(map(str, sorted(scope))) or "none"


def _month(request, default: Month) -> Month:
    try:
        return Month.parse(request.GET.get("month", ""))
    except ValueError:
        return default


@person_required
def dashboard_page(request):
    person = request.person
    organisation = person.organisation
    today = timezone.localdate()
    months = int(request.GET["months"]) if request.GET.get("months") in {"3", "6", "12"} else 12
    # The last complete month by default: a month a week old compares badly with a whole one.
    month = _month(request, Month.of(today).plus(-1))
    start = Month.of(today).plus(-(months - 1)).first
    scope = _scope(person)
    head = {
        "nav": "analytics",
        "tab": "dashboard",
        "months": months,
        "periods": PERIODS,
        "month": month,
        "may_read_report": may_read_report(person),
    }
    key = ":".join(
        ["reports:dashboard", str(organisation.pk), _scope_key(scope), str(months), str(month)]
        + [str(today), get_language() or ""]
    )
    body = cache.get(key)
    if body is None:  # the figures change with the rollups, a few times an hour at most
        context = {
            **head,
            "previous_month": month.plus(-1),
            "next_month": month.plus(1) if month.plus(1).first <= today else None,
            "month_running": month == Month.of(today),
            "kpis": dashboard.headline(organisation, scope, month),
            "scoped": scope is not None,
            **dashboard.build(organisation, scope, start, today + dt.timedelta(days=1)),
        }
        body = render_to_string("reports/_dashboard_body.html", context, request=request)
        cache.set(key, body, dashboard.CACHE_SECONDS)
    return render(request, "reports/dashboard.html", {**head, "body": mark_safe(body)})  # noqa: S308 - our own rendered template


CHARTS = ("reach", "formats", "departments", "times")


@person_required
def chart_table(request, chart: str, fmt: str):
    """A dashboard chart's table (the one under "Als Tabelle zeigen") as CSV or XLSX."""
    from django.http import Http404

    from carecast.reports.spreadsheet import download

    if chart not in CHARTS:
        raise Http404
    person = request.person
    today = timezone.localdate()
    months = int(request.GET["months"]) if request.GET.get("months") in {"3", "6", "12"} else 12
    start = Month.of(today).plus(-(months - 1)).first
    built = dashboard.build(
        person.organisation, _scope(person), start, today + dt.timedelta(days=1)
    )
    table = built[f"{chart}_chart"]
    return download(f"{chart}-{start}-{today}", table.headers, table.data, fmt)


@person_required
def report_pdf(request, month: str):
    person = request.person
    require(may_read_report(person))
    try:
        chosen = Month.parse(month)
    except ValueError:
        return HttpResponse(_("Unknown month."), status=404)
    language = request.GET.get("lang") if request.GET.get("lang") in ("de", "en") else None
    data = pdf.render(person.organisation, chosen, language)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{pdf.filename(person.organisation, chosen)}"'
    )
    return response


@person_required
def report_page(request):
    return _report_page(request)


def _report_page(request, form=None):
    person = request.person
    require(may_read_report(person))
    settings = delivery.settings_for(person.organisation)
    today = timezone.localdate()
    context = {
        "nav": "analytics",
        "tab": "report",
        "settings": settings,
        "form": form or ReportSettingsForm(instance=settings),
        "may_change": may_change_settings(person),
        "recent_months": [Month.of(today).plus(-n) for n in range(1, 13)],
        "next_send": delivery.first_working_day(Month.of(today).plus(1)),
    }
    return render(request, "reports/report.html", context, status=400 if form else 200)


@require_POST
@person_required
def report_settings(request):
    person = request.person
    require(may_change_settings(person))
    settings = delivery.settings_for(person.organisation)
    form = ReportSettingsForm(request.POST, instance=settings)
    if not form.is_valid():
        return _report_page(request, form)
    form.save()
    messages.success(request, _("Report recipients saved."))
    return redirect("reports:report")
