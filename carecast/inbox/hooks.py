"""The address Meta's webhooks call (see ``carecast.inbox.meta_webhooks``). No sign-in:
Meta proves itself with the verify token (subscription) and the body's signature."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from carecast.inbox import meta_webhooks


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta(request):
    if not meta_webhooks.enabled():
        raise Http404  # no public address or no verify token: polling only
    if request.method == "GET":
        answer = meta_webhooks.challenge(request.GET)
        if answer is None:
            return HttpResponseForbidden("verify token mismatch")
        return HttpResponse(answer, content_type="text/plain")
    if not meta_webhooks.signed_by_meta(
        request.body, request.headers.get("X-Hub-Signature-256", "")
    ):
        return HttpResponseForbidden("bad signature")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    meta_webhooks.receive(payload)
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")
