"""Forms of the web UI. Validation of what people type; the work is done by the apps' services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecast.core.models import Department, Person
from carecast.web.access import channels_for, is_department_scoped, media_for


class WallClockField(forms.Field):
    """A date and time as typed (``datetime-local``), kept naive on purpose.

    Django's DateTimeField would attach the current zone itself and reject the
    hour that does not exist when clocks change; ``schedule_local`` resolves that
    hour explicitly and tells the person, so the field must not.
    """

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
    )
    default_error_messages = {"invalid": _("Enter a date and time.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        try:
            return dt.datetime.fromisoformat(str(value).strip()).replace(
                tzinfo=None, second=0, microsecond=0
            )
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    link = forms.URLField(label=_("Link"), max_length=1000, required=False, assume_scheme="https")
    hashtags = forms.CharField(
        label=_("Hashtags"),
        max_length=500,
        required=False,
        help_text=_("Separated by spaces, e.g. #Geburtshilfe #Klinikum"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("— whole hospital —"),
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Channels"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    media = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.MultipleHiddenInput
    )
    due = WallClockField(label=_("Date and time"), required=False)

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        departments = Department.objects.filter(organisation_id=person.organisation_id)
        if is_department_scoped(person):
            departments = departments.filter(pk=person.department_id)
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
        self.fields["department"].queryset = departments
        self.fields["channels"].queryset = channels_for(person).order_by("name")
        self.fields["media"].queryset = media_for(person)

    def clean_hashtags(self) -> str:
        tags = self.cleaned_data["hashtags"].replace(",", " ").split()
        return " ".join(f"#{t.lstrip('#')}" for t in tags if t.lstrip("#"))

    def check_schedulable(self, action: str) -> None:
        """Publishing needs channels; planning needs a time in the future."""
        if action not in ("publish", "schedule"):
            return
        if not self.cleaned_data.get("channels"):
            self.add_error("channels", _("Choose at least one channel."))
        if action == "schedule":
            due = self.cleaned_data.get("due")
            if due is None:
                self.add_error("due", _("Choose when the posts should go out."))
            elif due < timezone.localtime().replace(tzinfo=None) - dt.timedelta(minutes=1):
                self.add_error("due", _("This time is in the past."))


class ConfirmPublishedForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the post (optional)"),
        required=False,
        max_length=1000,
        assume_scheme="https",
    )


class CalendarForm(forms.Form):
    view = forms.ChoiceField(choices=[("week", _("Week")), ("month", _("Month"))], required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    channel = forms.IntegerField(required=False, min_value=1)
