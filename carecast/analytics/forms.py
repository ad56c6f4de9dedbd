"""Forms of the analytics pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carecast.analytics.models import AnalyticsSettings
from carecast.core.crypto import encrypt_json
from carecast.core.date_inputs import OrgDateField
from carecast.stories.models import Campaign


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on"]
        labels = {"starts_on": _("from"), "ends_on": _("until")}
        field_classes = {"starts_on": OrgDateField, "ends_on": OrgDateField}
        help_texts = {"name": _("e.g. #GameChanger; links carry it as utm_campaign")}

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end lies before the start."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class MatomoForm(forms.ModelForm):
    """Where the hospital's Matomo is; the token is only ever written, never shown again."""

    token = forms.CharField(
        label=_("Matomo access token (token_auth)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored token."),
    )

    class Meta:
        model = AnalyticsSettings
        fields = ["matomo_url", "matomo_site_id"]

    def save(self, commit: bool = True) -> AnalyticsSettings:
        found = super().save(commit=False)
        if self.cleaned_data.get("token"):
            found.matomo_token_encrypted = encrypt_json({"token": self.cleaned_data["token"]})
        if commit:
            found.save()
        return found
