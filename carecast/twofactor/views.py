"""Setting up two-factor sign-in, giving the code after the password, recovery codes."""

from __future__ import annotations

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from carecast.core import audit
from carecast.rights import person_of
from carecast.twofactor import service


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _audit(user, action: str) -> None:
    person = person_of(user)
    if person is not None:
        audit.record(person.organisation, action, user.get_username(), actor=user)


@never_cache
@login_required
def status(request):
    context = {
        "enabled": service.is_enabled(request.user),
        "required": service.required_for(request.user),
        "nav": "account",
    }
    return render(request, "twofactor/status.html", context)


@never_cache
@login_required
def setup(request):
    if service.is_enabled(request.user) and not request.user.is_verified():
        return redirect("twofactor:verify")
    device = service.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = service.confirm(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            _audit(request.user, "two_factor.enabled")
            context = {"codes": codes, "next": _next(request), "nav": "account"}
            return render(request, "twofactor/recovery_codes.html", context)
        form.add_error("code", _("This code is not right. Take the current one from the app."))
    context = {
        "form": form,
        # An SVG made here, not a picture service: the key must not leave the installation.
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4),
        "secret": _grouped(device.bin_key),
        "required": service.required_for(request.user),
        "next": _next(request),
        "nav": "account",
    }
    return render(request, "twofactor/setup.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def verify(request):
    user = request.user
    if not service.is_enabled(user) or user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = service.check(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        # A wrong code counts like a wrong password: django-axes pauses this user name.
        credentials = {"username": user.get_username()}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            context = {"cooloff_timedelta": settings.AXES_COOLOFF_TIME}
            return render(request, "registration/locked_out.html", context, status=429)
        form.add_error("code", _("This code is not right. Take the current one from the app."))
    context = {"form": form, "next": _next(request)}
    return render(request, "twofactor/verify.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def recovery_codes(request):
    if not service.is_enabled(request.user) or not request.user.is_verified():
        return redirect("twofactor:status")
    codes = service.new_recovery_codes(request.user)
    _audit(request.user, "two_factor.recovery_codes")
    context = {"codes": codes, "next": "", "nav": "account"}
    return render(request, "twofactor/recovery_codes.html", context)


@require_POST
@login_required
def disable(request):
    if service.required_for(request.user) or not request.user.is_verified():
        return redirect("twofactor:status")  # a lead keeps it; an unverified session cannot
    service.disable(request.user)
    _audit(request.user, "two_factor.disabled")
    return redirect("twofactor:status")


def _grouped(key: bytes) -> str:
    """The key in base32, in groups of four, for typing it into an app by hand."""
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
