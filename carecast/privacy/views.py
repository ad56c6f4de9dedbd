"""The lead's pages for personal data: the record of processing, and one commenter's data
(look up, export as JSON, erase)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carecast.privacy import service
from carecast.rights import may_change_settings, person_passes


@person_passes(may_change_settings)
def records(request):
    organisation = request.person.organisation
    context = {"organisation": organisation, "nav": "team"}
    return render(request, "privacy/records.html", context)


@person_passes(may_change_settings)
def commenter(request):
    who = request.GET.get("who", "").strip()[:300]
    organisation = request.person.organisation
    if who and request.GET.get("format") == "json":
        data = service.export_commenter(organisation, who)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="carecast-daten-{stamp}.json"'
        return response
    items = list(service.commenter_items(organisation, who)) if who else []
    context = {"who": who, "items": items, "nav": "team"}
    return render(request, "privacy/commenter.html", context)


@require_POST
@person_passes(may_change_settings)
def commenter_erase(request):
    who = request.POST.get("who", "").strip()[:300]
    count = service.erase_commenter(request.person.organisation, who, request.user) if who else 0
    messages.success(
        request,
        ngettext("%(count)s comment erased.", "%(count)s comments erased.", count)
        % {"count": count},
    )
    return redirect("privacy:commenter")
