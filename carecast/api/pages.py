"""The person's own page for personal access tokens: make one (shown once), see when each
was last used, revoke it."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carecast.api import tokens
from carecast.api.models import ApiToken, Scope
from carecast.rights import may_change_settings, person_required

MAX_ACTIVE = 20  # a person with more tokens than this has lost track of them


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        max_length=100,
        help_text=gettext_lazy("e.g. “Intranet news import”, so you recognise it later"),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Allowed"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one.")},
    )


def _render(request, form, status=200):
    rows = ApiToken.objects.filter(user=request.user)
    context = {
        "form": form,
        "active": [t for t in rows if t.active],
        "revoked": [t for t in rows if not t.active][:10],
        "nav": "account",
        "can_manage_webhooks": may_change_settings(request.person),
    }
    return render(request, "api/tokens.html", context, status=status)


@never_cache
@person_required
def token_list(request):
    if request.method != "POST":
        return _render(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid() and (
        ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).count() >= MAX_ACTIVE
    ):
        form.add_error(None, _("You have 20 active tokens: revoke one you no longer use first."))
    if not form.is_valid():
        return _render(request, form, status=400)
    token, raw = tokens.issue(request.user, form.cleaned_data["name"], form.cleaned_data["scopes"])
    # Rendered, not redirected: the plain token must not travel through the session.
    return render(request, "api/token_once.html", {"token": token, "raw": raw, "nav": "account"})


@require_POST
@person_required
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    tokens.revoke(token, actor=request.user)
    return redirect("api_tokens:list")
