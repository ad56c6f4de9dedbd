"""Forms of the web UI. Validation of what people type; the work is done by the apps' services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecast.core.date_inputs import OrgDateField, OrgDateTimeInput, parse_wall_clock
from carecast.core.models import Department, Person
from carecast.networks.models import Channel
from carecast.rights import channels_for, is_department_scoped, media_for
from carecast.stories.library import KNOWN_TAGS, DocumentRejected, check_document
from carecast.stories.models import MediaAsset, MusicLicence, PersonShown


class WallClockField(forms.Field):
    """A date and time as typed (07.12.2026 14:30, or ISO), kept naive on purpose.

    Django's DateTimeField would attach the current zone itself and reject the
    hour that does not exist when clocks change; ``schedule_local`` resolves that
    hour explicitly and tells the person, so the field must not.
    """

    widget = OrgDateTimeInput
    default_error_messages = {"invalid": _("Enter a date and time such as 07.12.2026 14:30.")}

    def to_python(self, value):
        try:
            return parse_wall_clock(value)
        except ValidationError:
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
        chosen = [self.initial.get("department"), self.data.get("department"), person.department_id]
        chosen = [getattr(c, "pk", c) for c in chosen]  # initial may hold the department itself
        departments = Department.objects.for_picker(person.organisation_id, keep=chosen)
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


# ---------- media library ----------


class AssetForm(forms.Form):
    """What an editor says about a picture or video: alt text, credit, tags, music."""

    alt_text = forms.CharField(
        label=_("Alt text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe what can be seen, for people who cannot see the image."),
    )
    credit = forms.CharField(label=_("Credit"), max_length=200, required=False)
    known_tags = forms.MultipleChoiceField(
        label=_("What the image shows"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "“Before/after comparison” together with a cosmetic procedure in the text or tags "
            "blocks the post (§ 11 HWG)."
        ),
    )
    other_tags = forms.CharField(
        label=_("Other tags"),
        max_length=400,
        required=False,
        help_text=_("Separated by commas, e.g. Kreißsaal, Hyaluron"),
    )
    music_title = forms.CharField(label=_("Music track"), max_length=200, required=False)
    music_licence = forms.ChoiceField(label=_("Music licence"), required=False)

    def __init__(self, *args, asset, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels only: the stored keys ("vorher-nachher", "op") are for the checks, not people.
        self.fields["known_tags"].choices = list(KNOWN_TAGS)
        if asset.kind == "video":
            self.fields["known_tags"].label = _("What the video shows")
            self.fields["credit"].label = _("Video credit")
            self.fields["alt_text"].help_text = _(
                "Describe what can be seen, for people who cannot see the video."
            )
        self.fields["music_licence"].choices = [("", _("— not recorded —")), *MusicLicence.choices]
        if asset.kind != MediaAsset.Kind.VIDEO:
            del self.fields["music_title"], self.fields["music_licence"]

    @staticmethod
    def initial_for(asset) -> dict:
        known = {tag for tag, _label in KNOWN_TAGS}
        return {
            "alt_text": asset.alt_text,
            "credit": asset.credit,
            "known_tags": [t for t in asset.tags if t in known],
            "other_tags": ", ".join(t for t in asset.tags if t not in known),
            "music_title": asset.music_title,
            "music_licence": asset.music_licence,
        }

    def asset_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["alt_text"] = data["alt_text"].strip()
        data["tags"] = [*data.pop("known_tags"), data.pop("other_tags")]
        return data

    def clean(self):
        data = super().clean()
        if data.get("music_title") and not data.get("music_licence"):
            self.add_error("music_licence", _("Say which licence covers this music."))
        return data


class ConsentDocumentField(forms.FileField):
    """The signed consent: PDF, JPEG or PNG, at most 10 MB, checked by its content."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            try:
                check_document(upload)
            except DocumentRejected as exc:
                raise ValidationError(str(exc), code="invalid") from None
        return upload


class PersonShownForm(forms.ModelForm):
    """One person in a picture and what they agreed to (KUG § 22, GDPR Art. 9)."""

    SCOPE_ALL, SCOPE_CHOSEN = "all", "chosen"

    consent = forms.ChoiceField(label=_("Consent"), widget=forms.RadioSelect)
    scope = forms.ChoiceField(
        label=_("For which channels"),
        widget=forms.RadioSelect,
        required=False,
        choices=[(SCOPE_ALL, _("all channels")), (SCOPE_CHOSEN, _("only the channels chosen"))],
    )
    document = ConsentDocumentField(
        label=_("Signed consent"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        help_text=_("PDF, JPEG or PNG, up to 10 MB. Only your organisation can open it."),
    )

    class Meta:
        model = PersonShown
        fields = [
            "name",
            "consent",
            "consent_channels",
            "consent_purpose",
            "consent_until",
            "consent_reference",
            "is_patient",
            "health_data_visible",
            "art9_consent",
        ]
        labels = {
            "name": _("Name"),
            "consent_channels": _("Channels"),
            "consent_purpose": _("Purpose"),
            "consent_until": _("Valid until"),
            "consent_reference": _("Reference"),
            "is_patient": _("This person is a patient"),
            "health_data_visible": _("Health data can be seen (e.g. a diagnosis, a ward)"),
            "art9_consent": _("Explicit consent (Art. 9 GDPR) and release from confidentiality"),
        }
        help_texts = {
            "consent_purpose": _("e.g. recruiting campaign 2027, report on the maternity ward"),
            "consent_until": _("Leave empty if the consent has no end date."),
            "consent_reference": _("Where the original is filed, e.g. HR file or form number"),
        }
        widgets = {
            "consent_channels": forms.CheckboxSelectMultiple,
        }
        field_classes = {"consent_until": OrgDateField}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].choices = [
            (PersonShown.Consent.GIVEN, _("consent given")),
            (PersonShown.Consent.NONE, _("no consent (yet)")),
        ]
        channels = Channel.objects.filter(organisation=organisation).order_by("name")
        self.fields["consent_channels"].queryset = channels
        self.fields["consent_channels"].required = False
        self.fields["consent_until"].input_formats = ["%Y-%m-%d", "%d.%m.%Y"]
        if not self.is_bound:
            self.initial.setdefault(
                "scope",
                self.SCOPE_ALL
                if self.instance.pk is None or self.instance.consent_all_channels
                else self.SCOPE_CHOSEN,
            )

    def clean(self):
        data = super().clean()
        if data.get("consent") != PersonShown.Consent.GIVEN:
            return data
        if data.get("scope") == self.SCOPE_CHOSEN and not data.get("consent_channels"):
            self.add_error("consent_channels", _("Choose the channels the person agreed to."))
        elif not data.get("scope"):
            self.add_error("scope", _("Say for which channels the consent holds."))
        return data

    def save(self, commit=False):
        person = super().save(commit=False)
        person.consent_all_channels = self.cleaned_data.get("scope") == self.SCOPE_ALL
        return person
