"""Forms of the live pages: the session setup and the visitor's question."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carecast.core.date_inputs import OrgDateTimeField
from carecast.core.models import Department, Person
from carecast.live.limits import limit
from carecast.live.models import LiveSession
from carecast.rights import is_department_scoped, publishable_channels_for

RESERVED_SLUGS = {"new", "ws"}


class SessionForm(forms.ModelForm):
    class Meta:
        model = LiveSession
        fields = [
            "title",
            "slug",
            "topic",
            "department",
            "doctors",
            "starts_at",
            "ends_at",
            "stream_links",
            "recording_url",
            "channels",
            "accepting",
        ]
        field_classes = {"starts_at": OrgDateTimeField, "ends_at": OrgDateTimeField}
        widgets = {
            "topic": forms.Textarea(attrs={"rows": 3}),
            "stream_links": forms.Textarea(attrs={"rows": 2}),
            "channels": forms.CheckboxSelectMultiple,
            "recording_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, person: Person, **kwargs):
        """Offers only the channels ``person`` may publish to, and a department editor
        only their own department (announcements go out under the person's rights)."""
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(organisation_id=person.organisation_id)
        if is_department_scoped(person):
            departments = departments.filter(pk=person.department_id)
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
        else:
            self.fields["department"].empty_label = _("— whole hospital —")
        self.fields["department"].queryset = departments
        self.fields["channels"].queryset = (
            publishable_channels_for(person).exclude(network="feed").order_by("name")
        )
        # Channels chosen by someone with wider rights stay chosen when this person saves.
        self.kept_channels = (
            list(self.instance.channels.exclude(pk__in=self.fields["channels"].queryset))
            if self.instance.pk
            else []
        )
        self.fields["recording_url"].assume_scheme = "https"  # "youtu.be/…" typed without it
        self.fields["slug"].help_text = _("Part of the question page's address, e.g. diabetes-2026")

    def _save_m2m(self):
        super()._save_m2m()
        if self.kept_channels:
            self.instance.channels.add(*self.kept_channels)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is reserved."))
        return slug

    def clean_recording_url(self):
        url = self.cleaned_data["recording_url"]
        if url and not url.startswith(("https://", "http://")):
            raise ValidationError(_("Enter a web address starting with https://."))
        return url

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": limit("MAX_LENGTH")}),
    )
    nickname = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=limit("NICKNAME_LENGTH"),
        help_text=_("A first name or nickname is enough."),
    )
