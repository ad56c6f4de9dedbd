"""Forms of the first start, the people page and the departments page.

They only check what was typed; the rules (roles, last lead, unique names) are in
``carecast.core.people``, ``carecast.core.departments`` and ``carecast.core.setup``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Organisation, Role
from carecast.core.timezones import COMMON_ZONES


class PasswordTwiceMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        return second


class SetupForm(PasswordTwiceMixin):
    name = forms.CharField(label=_("Name of the hospital"), max_length=200)
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z) for z in COMMON_ZONES], initial="Europe/Berlin"
    )
    language = forms.ChoiceField(
        label=_("Language of the posts"), choices=settings.LANGUAGES, initial="de"
    )
    public_url = forms.URLField(
        label=_("Public address of this carecast"),
        assume_scheme="https",
        help_text=_("Every link carecast sends out starts here, e.g. https://carecast.klinikum.de"),
    )
    imprint_url = forms.URLField(label=_("Imprint"), required=False, assume_scheme="https")
    privacy_url = forms.URLField(label=_("Privacy policy"), required=False, assume_scheme="https")
    lead_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    username = forms.CharField(label=_("User name"), max_length=150)
    field_order = [
        "name",
        "timezone",
        "language",
        "public_url",
        "imprint_url",
        "privacy_url",
        "lead_name",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_url"].initial = settings.CARECAST_PUBLIC_URL


class OrganisationForm(forms.Form):
    """The hospital's own settings, as the lead may change them after the first start."""

    name = SetupForm.base_fields["name"]
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(z, z) for z in COMMON_ZONES],
        help_text=_("Posting windows and the calendar use it. Planned posts keep their moment."),
    )
    language = forms.ChoiceField(
        label=_("Language of the posts"),
        choices=settings.LANGUAGES,
        help_text=_("A YouTube video's language and its captions', unless a post says otherwise."),
    )
    public_url = SetupForm.base_fields["public_url"]
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    imprint_url = forms.URLField(
        label=_("Imprint"),
        required=False,
        assume_scheme="https",
        help_text=_("Linked on the public question page of live consultations."),
    )
    privacy_url = forms.URLField(
        label=_("Privacy policy"),
        required=False,
        assume_scheme="https",
        help_text=_("Linked on the public question page of live consultations."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self.initial.get("timezone")
        if zone and zone not in dict(self.fields["timezone"].choices):
            # A zone set before the list was shortened stays choosable.
            self.fields["timezone"].choices = [(zone, zone), *self.fields["timezone"].choices]


class PersonForm(forms.Form):
    """A new colleague: who they are, what they may do, and how they get in."""

    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("— no department —"),
        help_text=_("Only for department editors: they see and publish for this one."),
    )
    access = forms.ChoiceField(
        label=_("How they get in"),
        choices=[
            ("invite", _("E-mail a one-time link (valid 7 days)")),
            ("password", _("Generate a first password and show it once")),
        ],
        initial="invite",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active().filter(
            organisation=organisation
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = PersonForm.base_fields["department"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active().filter(
            organisation=organisation
        )


class InvitationForm(PasswordTwiceMixin):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password2(self):
        password = super().clean_password2()
        if password:
            password_validation.validate_password(password, self.user)
        return password


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    topics = forms.CharField(
        label=_("Topic keywords"),
        required=False,
        max_length=2000,
        help_text=_("Comma-separated, e.g. Diabetes, Insulin"),
    )
