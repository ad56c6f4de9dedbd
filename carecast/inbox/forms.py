from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecast.core.date_inputs import OrgDateTimeField
from carecast.core.models import Organisation, Person
from carecast.inbox.labels import label_choices
from carecast.inbox.models import DutyShift, SavedReply, SpikeSettings, Status


class FilterForm(forms.Form):
    label = forms.ChoiceField(label=_("Label"), required=False)
    channel = forms.TypedChoiceField(
        label=_("Channel"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, data, channels) -> None:
        super().__init__(data)
        self.fields["label"].choices = [("", _("all labels")), *label_choices()]
        self.fields["channel"].choices = [("", _("all channels"))] + [
            (c.pk, c.name) for c in channels
        ]
        self.fields["status"].choices = [("", _("open")), ("all", _("all"))] + [
            (s.value, s.label) for s in Status if s != Status.OPEN
        ]

    def value(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


class ShiftForm(forms.ModelForm):
    starts_at = OrgDateTimeField(label=_("From"))
    ends_at = OrgDateTimeField(label=_("Until"))

    class Meta:
        model = DutyShift
        fields = ["person", "starts_at", "ends_at"]
        labels = {"person": _("Who")}

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(organisation=organisation).select_related("user")
        self.fields["person"].queryset = people.order_by("user__first_name", "user__username")
        if not self.is_bound:
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            start += dt.timedelta(hours=1)
            self.initial.setdefault("starts_at", start)
            self.initial.setdefault("ends_at", start + dt.timedelta(hours=8))

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return data


class RetentionForm(forms.ModelForm):
    """How long copies of comments stay in carecast (inbox.retention erases them after)."""

    MIN_DAYS, MAX_DAYS = 7, 3650

    class Meta:
        model = Organisation
        fields = ["comment_retention_days"]
        widgets = {
            "comment_retention_days": forms.NumberInput(attrs={"min": 7, "max": 3650, "step": 1})
        }

    def clean_comment_retention_days(self) -> int:
        days = self.cleaned_data["comment_retention_days"]
        if not self.MIN_DAYS <= days <= self.MAX_DAYS:
            raise forms.ValidationError(
                _("Between %(min)s and %(max)s days."),
                params={"min": self.MIN_DAYS, "max": self.MAX_DAYS},
            )
        return days


class SavedReplyForm(forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["title", "language", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "text": _(
                "{name} becomes the commenter's handle, {channel} the channel, {network} the "
                "network, {team} your organisation."
            )
        }

    def clean_text(self) -> str:
        from carecast.inbox.saved_replies import unknown_variables

        text = self.cleaned_data["text"]
        unknown = unknown_variables(text)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholder: %(names)s. Use {name}, {channel}, {network} or {team}."),
                params={"names": ", ".join(unknown)},
            )
        return text


class SpikeSettingsForm(forms.ModelForm):
    class Meta:
        model = SpikeSettings
        fields = ["threshold", "window_minutes", "factor"]
        widgets = {
            "threshold": forms.NumberInput(attrs={"min": 2, "max": 500}),
            "window_minutes": forms.NumberInput(attrs={"min": 10, "max": 1440, "step": 5}),
            "factor": forms.NumberInput(attrs={"min": 1, "max": 50}),
        }

    def clean(self):
        data = super().clean()
        limits = {"threshold": (2, 500), "window_minutes": (10, 1440), "factor": (1, 50)}
        for name, (low, high) in limits.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("Between %(min)s and %(max)s."), params={"min": low, "max": high}
                    ),
                )
        return data
