"""Two-factor sign-in with TOTP (django-otp): setting it up, checking a code, recovery codes.

Who must use it is decided here (``required_for``): the communications lead, who can change
every setting and publish everywhere. Everyone else may turn it on.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from carecast.core.models import Role
from carecast.rights import person_of

RECOVERY_CODES = 10


def required_for(user) -> bool:
    person = person_of(user)
    return (
        getattr(settings, "CARECAST_TWO_FACTOR_FOR_LEADS", True)
        and person is not None
        and person.role == Role.ADMIN
    )


def totp_device(user, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def is_enabled(user) -> bool:
    return totp_device(user) is not None


def pending_device(user) -> TOTPDevice:
    """The device being set up: made once, kept until confirmed with a code."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


def confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; returns fresh recovery codes, or None."""
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


def new_recovery_codes(user) -> list[str]:
    """Ten single-use codes for when the phone is lost; earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def check(user, code: str):
    """The device that accepts ``code`` (the app's code, or a recovery code, used up), or None."""
    code = code.strip()
    device = totp_device(user)
    if device is not None and device.verify_token(_digits(code)):
        return device
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is not None and recovery.verify_token(code.replace("-", "").replace(" ", "")):
        return recovery
    return None


def disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())
