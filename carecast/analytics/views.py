"""Pages of the analytics app: campaigns, applications, website visits, settings, exports.

Views stay thin: the modules beside this one compute and import; rights decide in
``carecast.rights.analytics``.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from carecast.analytics import applications, campaigns, exports, visits
from carecast.analytics.forms import CampaignForm, MatomoForm, UploadForm
from carecast.analytics.links import campaign_slug
from carecast.analytics.models import JobApplication, WebsiteVisitDay
from carecast.core.models import Organisation
from carecast.rights import person_passes
from carecast.rights.analytics import (
    may_configure_analytics,
    may_import_analytics,
    may_see_analytics,
)
from carecast.rights.scopes import editable_stories_for
from carecast.stories.models import Campaign


def _page(request, template: str, tab: str, **context) -> HttpResponse:
    context.setdefault("may_import", may_import_analytics(request.person))
    context.setdefault("may_configure", may_configure_analytics(request.person))
    return render(request, f"analytics/{template}", {"nav": "analytics", "tab": tab, **context})


def _org(request) -> Organisation:
    return request.person.organisation


# --- campaigns -------------------------------------------------------------------------------

ADDABLE = 200  # stories offered in the campaign page's "add a story" list


@person_passes(may_see_analytics)
def campaign_list(request):
    org = _org(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        if not may_import_analytics(request.person):
            return HttpResponse(status=403)
        if form.is_valid():
            campaign = form.save(commit=False)
            campaign.organisation = org
            campaign.save()
            messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
            return redirect("analytics:campaign", campaign_id=campaign.pk)
    rows = (
        Campaign.objects.filter(organisation=org)
        .annotate(
            n_stories=Count("stories", distinct=True),
            n_applications=Count("applications", distinct=True),
        )
        .order_by("-starts_on", "name")
    )
    return _page(request, "campaigns.html", "campaigns", campaigns=rows, form=form)


@person_passes(may_see_analytics)
def campaign_detail(request, campaign_id: int):
    campaign = get_object_or_404(Campaign, pk=campaign_id, organisation=_org(request))
    addable: Any = []
    if may_import_analytics(request.person):
        # The newest stories without a campaign; only what the drop-down shows.
        addable = (
            editable_stories_for(request.person)
            .filter(campaign=None)
            .order_by("-created_at")
            .values_list("pk", "title")[:ADDABLE]
        )
    return _page(
        request,
        "campaign.html",
        "campaigns",
        campaign=campaign,
        report=campaigns.cached_report(campaign),
        slug=campaign_slug(campaign),
        stories=campaign.stories.filter(organisation_id=campaign.organisation_id)
        .order_by("-created_at")
        .only("pk", "title", "campaign")[:50],
        addable=addable,
        columns=campaigns.COLUMNS,
    )


@require_POST
@person_passes(may_import_analytics)
def campaign_add_story(request, campaign_id: int):
    campaign = get_object_or_404(Campaign, pk=campaign_id, organisation=_org(request))
    story = editable_stories_for(request.person).filter(pk=request.POST.get("story")).first()
    if story is None:
        messages.error(request, _("Choose a story to add."))
    else:
        story.campaign = campaign
        story.save(update_fields=["campaign"])
        campaigns.forget(campaign)
        messages.success(request, _("“%(title)s” now belongs to the campaign.") % {"title": story})
    return redirect("analytics:campaign", campaign_id=campaign.pk)


# --- applications ----------------------------------------------------------------------------


@person_passes(may_see_analytics)
def application_list(request):
    org = _org(request)
    found = JobApplication.objects.filter(organisation=org)
    by: dict[str, Any] = {
        "network": found.values("network").annotate(n=Count("id")).order_by("-n"),
        "campaign": found.values("campaign__name").annotate(n=Count("id")).order_by("-n"),
        "department": found.values("department__name").annotate(n=Count("id")).order_by("-n"),
    }
    recent = found.select_related("channel", "campaign", "department")[:20]
    by["network"] = [{"network": _network_label(r["network"]), "n": r["n"]} for r in by["network"]]
    return _page(
        request,
        "applications.html",
        "applications",
        by=by,
        recent=recent,
        total=found.count(),
        form=UploadForm(),
    )


@require_POST
@person_passes(may_import_analytics)
def application_import(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file to import."))
        return redirect("analytics:applications")
    try:
        result = applications.import_csv(_org(request), form.cleaned_data["file"].read())
    except applications.ImportRejected as rejected:
        return _page(
            request,
            "import_errors.html",
            "applications",
            errors=rejected.errors,
            back="analytics:applications",
        )
    messages.success(
        request,
        _("Imported: %(new)d new, %(old)d updated, %(none)d without a social-media source.")
        % {"new": result.created, "old": result.updated, "none": result.unmatched},
    )
    return redirect("analytics:applications")


@csrf_exempt
@require_POST
def application_hook(request: HttpRequest, slug: str) -> JsonResponse:
    """The applicant system posts applications here, signed with the organisation's secret.

    Header ``X-Carecast-Signature: sha256=<hex HMAC-SHA256 of the body>``; body: one
    application or ``{"applications": [...]}`` with ``reference``, ``received`` and the
    UTM fields.
    """
    org = Organisation.objects.filter(slug=slug).first()
    secret = applications.settings_for(org).webhook_secret if org else ""
    if org is None or not applications.signature_ok(
        secret, request.body, request.headers.get("X-Carecast-Signature", "")
    ):
        return JsonResponse({"error": "invalid signature"}, status=401)
    try:
        payload = json.loads(request.body)
        items = payload.get("applications", [payload]) if isinstance(payload, dict) else payload
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError
        result = applications.import_webhook(org, items)
    except (ValueError, AttributeError):
        return JsonResponse({"error": "body must be a JSON object or list of objects"}, status=400)
    except applications.ImportRejected as rejected:
        return JsonResponse({"errors": rejected.errors}, status=422)
    return JsonResponse({"created": result.created, "updated": result.updated}, status=200)


def _network_label(name: str) -> str:
    from carecast.networks import registry

    return registry.NETWORKS[name].label if name in registry.NETWORKS else name


# --- website visits --------------------------------------------------------------------------


@person_passes(may_see_analytics)
def visit_list(request):
    org = _org(request)
    found = WebsiteVisitDay.objects.filter(organisation=org)
    by_label = [
        {**row, "network": _network_label(row["network"]) if row["network"] else ""}
        for row in found.values("kind", "label", "network", "campaign__name")
        .annotate(visits=Sum("visits"), days=Count("id"))
        .order_by("-visits")[:100]
    ]
    return _page(
        request,
        "visits.html",
        "visits",
        rows=by_label,
        total=found.aggregate(n=Sum("visits"))["n"],
        form=UploadForm(),
        matomo=applications.settings_for(org),
    )


@require_POST
@person_passes(may_import_analytics)
def visit_import(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file to import."))
        return redirect("analytics:visits")
    try:
        n = visits.import_csv(_org(request), form.cleaned_data["file"].read())
    except applications.ImportRejected as rejected:
        return _page(
            request, "import_errors.html", "visits", errors=rejected.errors, back="analytics:visits"
        )
    messages.success(request, _("Imported %(n)d rows of website visits.") % {"n": n})
    return redirect("analytics:visits")


@require_POST
@person_passes(may_import_analytics)
def visit_matomo(request):
    try:
        n = visits.import_matomo(_org(request))
    except visits.MatomoError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Imported %(n)d rows from Matomo.") % {"n": n})
    return redirect("analytics:visits")


# --- settings and exports --------------------------------------------------------------------


@person_passes(may_configure_analytics)
def settings_page(request):
    org = _org(request)
    found = applications.settings_for(org)
    form = MatomoForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("analytics:settings")
    hook = request.build_absolute_uri(f"/analytics/hooks/applications/{org.slug}/")
    if org.public_url:
        hook = f"{org.public_url.rstrip('/')}/analytics/hooks/applications/{org.slug}/"
    return _page(
        request,
        "settings.html",
        "settings",
        form=form,
        found=found,
        hook=hook,
        tables=list(exports.LABELS.items()),
    )


@require_POST
@person_passes(may_configure_analytics)
def webhook_secret(request):
    applications.new_webhook_secret(_org(request))
    messages.success(request, _("A new secret was made; the old one no longer works."))
    return redirect("analytics:settings")


@person_passes(may_see_analytics)
def export(request, table: str, fmt: str):
    if table not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    return exports.response(_org(request), table, fmt)
