"""First start: the organisation and its first communications lead, in one step.

Used by the setup page and by ``carecast createlead``; both validate the same way,
so an operator at the shell gets the same errors as a lead in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.core.models import Organisation, Person, Role
from carecast.core.timezones import COMMON_ZONES, is_known_zone


@dataclass
class SetupData:
    """Everything the first start asks for."""

    name: str
    timezone: str
    public_url: str
    lead_name: str
    email: str
    username: str
    password: str
    imprint_url: str = ""
    privacy_url: str = ""
    language: str = "de"


def needs_setup() -> bool:
    """A fresh installation: no organisation yet."""
    return not Organisation.objects.exists()


def validate(data: SetupData) -> dict[str, list[str]]:
    """Field name → messages; empty when ``data`` can be saved."""
    errors: dict[str, list[str]] = {}

    def check(field: str, ok: bool, message: str) -> None:
        if not ok:
            errors.setdefault(field, []).append(message)

    check("name", bool(data.name.strip()), _("Enter the hospital's name."))
    check("timezone", is_known_zone(data.timezone), _("Choose a time zone from the list."))
    check("language", data.language in dict(settings.LANGUAGES), _("Choose a language."))
    for field in ("public_url", "imprint_url", "privacy_url"):
        value = getattr(data, field).strip()
        required = field == "public_url"
        check(field, bool(value) or not required, _("Enter the address."))
        if value and not _is_web_address(value):
            check(field, False, _("Enter a web address starting with https:// or http://."))
    check("lead_name", bool(data.lead_name.strip()), _("Enter the lead's name."))
    _check_account(data, check)
    return errors


def _check_account(data: SetupData, check) -> None:
    try:
        validate_email(data.email.strip())
    except ValidationError:
        check("email", False, _("Enter a valid e-mail address."))
    username = data.username.strip()
    check("username", bool(username), _("Enter a user name."))
    if username and get_user_model().objects.filter(username__iexact=username).exists():
        check("username", False, _("This user name is taken."))
    try:
        user = get_user_model()(username=username, email=data.email)
        password_validation.validate_password(data.password, user)
    except ValidationError as error:
        for message in error.messages:
            check("password", False, message)


def _is_web_address(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


# What the lead may change later on the organisation page (the slug stays: links use it).
SETTINGS_FIELDS = (
    "name",
    "timezone",
    "language",
    "public_url",
    "website",
    "imprint_url",
    "privacy_url",
)


def validate_settings(values: dict[str, str]) -> dict[str, list[str]]:
    """Field name → messages for the organisation page; empty when ``values`` can be saved."""
    errors: dict[str, list[str]] = {}

    def check(field: str, ok: bool, message: str) -> None:
        if not ok:
            errors.setdefault(field, []).append(message)

    check("name", bool(values["name"].strip()), _("Enter the hospital's name."))
    check("timezone", is_known_zone(values["timezone"]), _("Choose a time zone from the list."))
    check("language", values["language"] in dict(settings.LANGUAGES), _("Choose a language."))
    for field in ("public_url", "website", "imprint_url", "privacy_url"):
        value = values[field].strip()
        check(field, bool(value) or field != "public_url", _("Enter the address."))
        if value and not _is_web_address(value):
            check(field, False, _("Enter a web address starting with https:// or http://."))
    return errors


@transaction.atomic
def update_organisation(organisation: Organisation, values: dict[str, str], actor) -> list[str]:
    """Save the organisation page; returns the names of the fields that changed (audited by
    name only: the old and new addresses are in the page itself)."""
    errors = validate_settings(values)
    if errors:
        raise ValidationError({field: messages for field, messages in errors.items()})
    cleaned = {field: values[field].strip() for field in SETTINGS_FIELDS}
    cleaned["public_url"] = cleaned["public_url"].rstrip("/")
    changed = [f for f in SETTINGS_FIELDS if getattr(organisation, f) != cleaned[f]]
    if not changed:
        return []
    for field in changed:
        setattr(organisation, field, cleaned[field])
    organisation.save(update_fields=changed)
    audit.record(
        organisation, "organisation.changed", organisation.name, actor=actor, fields=changed
    )
    return changed


@transaction.atomic
def create_organisation(data: SetupData) -> Person:
    """Create the organisation and its first lead; raises ``ValidationError`` on bad input.

    Refuses when an organisation exists already: the first start happens once.
    """
    errors = validate(data)
    if errors:
        raise ValidationError({field: messages for field, messages in errors.items()})
    if not needs_setup():
        raise ValidationError(_("carecast is set up already."))
    organisation = Organisation.objects.create(
        name=data.name.strip(),
        slug=slugify(data.name)[:50] or "organisation",
        timezone=data.timezone,
        language=data.language,
        public_url=data.public_url.strip().rstrip("/"),
        imprint_url=data.imprint_url.strip(),
        privacy_url=data.privacy_url.strip(),
    )
    first, _sep, last = data.lead_name.strip().partition(" ")
    user = get_user_model().objects.create_user(
        data.username.strip(), data.email.strip(), data.password, first_name=first, last_name=last
    )
    person = Person.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    audit.record(organisation, "organisation.created", organisation.name, actor=user)
    return person


__all__ = [
    "COMMON_ZONES",
    "SETTINGS_FIELDS",
    "SetupData",
    "create_organisation",
    "needs_setup",
    "update_organisation",
    "validate",
    "validate_settings",
]
