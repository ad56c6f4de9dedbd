"""The lead's pages for outgoing webhooks: add an endpoint (its secret shown once), read
the delivery log, remove it."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carecast.core import audit
from carecast.lib.http import UnsafeURL
from carecast.rights import may_change_settings, person_passes
from carecast.webhooks import service
from carecast.webhooks.models import Endpoint, Event
from carecast.webhooks.signing import HEADER

LOG_ROWS = 50


class EndpointForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    url = forms.URLField(
        label=gettext_lazy("Address (URL)"),
        max_length=1000,
        assume_scheme="https",
        help_text=gettext_lazy("carecast sends a POST with JSON here, signed with the secret."),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Send when"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one event.")},
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            return service.check_url(url)
        except UnsafeURL:
            raise forms.ValidationError(
                _(
                    "This address is in a private network or cannot be found; carecast sends only to public addresses."
                )
            ) from None


def _endpoints(request):
    return Endpoint.objects.filter(organisation=request.person.organisation)


@never_cache
@person_passes(may_change_settings)
def endpoint_list(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = service.create_endpoint(
            request.person.organisation,
            form.cleaned_data["name"],
            form.cleaned_data["url"],
            form.cleaned_data["events"],
            actor=request.user,
        )
        context = {"endpoint": endpoint, "secret": secret, "header": HEADER, "nav": "team"}
        return render(request, "webhooks/secret_once.html", context)
    context = {"form": form, "endpoints": list(_endpoints(request)), "nav": "team"}
    return render(request, "webhooks/list.html", context, status=400 if form.errors else 200)


@person_passes(may_change_settings)
def endpoint_detail(request, endpoint_id: int):
    endpoint = get_object_or_404(_endpoints(request), pk=endpoint_id)
    context = {
        "endpoint": endpoint,
        "deliveries": list(endpoint.deliveries.all()[:LOG_ROWS]),
        "header": HEADER,
        "nav": "team",
    }
    return render(request, "webhooks/detail.html", context)


@require_POST
@person_passes(may_change_settings)
def endpoint_delete(request, endpoint_id: int):
    endpoint = get_object_or_404(_endpoints(request), pk=endpoint_id)
    audit.record(endpoint.organisation, "webhook.deleted", endpoint.name, actor=request.user)
    endpoint.delete()
    return redirect("webhooks:list")
