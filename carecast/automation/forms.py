"""Forms of the automation pages; what people type is checked here, the work done by services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carecast.automation.models import AwarenessDay, ChannelAutomation, Overflow, Rule, Source
from carecast.core.models import Department
from carecast.networks import registry
from carecast.networks.models import Channel


class SourceForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Feed address"), max_length=1000, required=False, assume_scheme="https"
    )

    class Meta:
        model = Source
        fields = [
            "name",
            "kind",
            "url",
            "channel",
            "department",
            "interval_minutes",
            "allow_hosts",
            "backlog",
            "is_active",
        ]
        labels = {"url": _("Feed address"), "department": _("Department")}
        widgets = {"backlog": forms.RadioSelect}
        help_texts = {
            "allow_hosts": _(
                "Only for feeds inside the hospital network. Write host:port (jobs.intranet:8080);"
                " a host without a port allows only the standard port (80 for http, 443 for"
                " https)."
            ),
            "backlog": _(
                "Applies once, at the first check. A new feed often lists weeks of items: "
                "either the rules post those within their age limit, or only what appears later."
            ),
        }

    def __init__(self, *args, organisation, can_allow_hosts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(organisation=organisation)
        self.fields["channel"].help_text = _("Only for the kind “another channel”.")
        self.fields["department"].queryset = Department.objects.for_picker(
            organisation, keep=[self.instance.department_id]
        )
        self.fields["department"].empty_label = _("— whole hospital —")
        self.fields["channel"].empty_label = _("— none —")
        self.fields["interval_minutes"].min_value = 5
        self.fields["backlog"].required = False  # the default when a script or old page omits it
        if not can_allow_hosts:
            # Allowing internal hosts opens a way into the hospital network: admins only.
            del self.fields["allow_hosts"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Source.Kind.CHANNEL and not data.get("channel"):
            self.add_error("channel", _("Choose the channel whose posts should be mirrored."))
        if kind != Source.Kind.CHANNEL and not data.get("url"):
            self.add_error("url", _("Enter the address of the feed."))
        data["backlog"] = data.get("backlog") or Source.Backlog.RECENT
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = [
            "name",
            "sources",
            "keywords",
            "categories",
            "department",
            "channels",
            "route_by_purpose",
            "template",
            "hashtags",
            "include_image",
            "utm_campaign",
            "policy",
            "max_age_days",
            "overflow",
            "is_active",
        ]
        widgets = {
            "sources": forms.CheckboxSelectMultiple,
            "channels": forms.CheckboxSelectMultiple,
            "template": forms.Textarea(attrs={"rows": 3}),
            "policy": forms.RadioSelect,
            "overflow": forms.RadioSelect,
        }
        help_texts = {
            "max_age_days": _(
                "Older items are never posted by this rule, not even later: the dry run shows "
                "which remain. 0 = no limit: every item of the sources, however old."
            ),
            "overflow": _(
                "Each channel takes a limited number of automatic posts a day (see the channel’s"
                " posting settings). Waiting items are planned again at every check until a day "
                "has room or they pass the age limit."
            ),
            "template": _(
                "Placeholders: {title}, {summary}, {location}, {categories}. The link (with UTM "
                "parameters) and the hashtags are always added and never cut."
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Source.objects.filter(organisation=organisation)
        self.fields["channels"].queryset = Channel.objects.filter(organisation=organisation)
        self.fields["department"].queryset = Department.objects.for_picker(
            organisation, keep=[self.instance.department_id]
        )
        self.fields["department"].empty_label = _("— any —")
        self.fields["overflow"].required = False
        for network in _networks():
            self.fields[f"template_{network.name}"] = forms.CharField(
                label=_("Template for %(network)s") % {"network": network.label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=self.instance.templates.get(network.name, ""),
                help_text=_("Empty: the template above."),
            )
        fields = list(self.fields)
        per_network = [f for f in fields if f.startswith("template_")]
        rest = [f for f in fields if f not in per_network]
        at = rest.index("template") + 1
        self.order_fields(rest[:at] + per_network + rest[at:])

    def clean_overflow(self):
        return self.cleaned_data.get("overflow") or Overflow.LATER

    def save(self, commit=True):
        rule = super().save(commit=False)
        rule.templates = {
            network.name: text
            for network in _networks()
            if (text := self.cleaned_data.get(f"template_{network.name}", "").strip())
        }
        if commit:
            rule.save()
            self.save_m2m()
        return rule


def _networks():
    # The website feed is an output of carecast, never a target of a rule template.
    return [n for n in registry.all_networks() if n.name != "feed"]


class ChannelAutomationForm(forms.ModelForm):
    """The gap filler's settings; the cap and spacing live with the posting windows."""

    class Meta:
        model = ChannelAutomation
        fields = ["gap_hours", "evergreen_repeat_days"]


class ChannelCapsForm(forms.ModelForm):
    """Daily cap and spacing of automatic posts, on the channel's settings page."""

    class Meta:
        model = ChannelAutomation
        fields = ["max_per_day", "min_spacing_minutes"]
        help_texts = {
            "max_per_day": _(
                "0 = no limit. Counts posts made by rules and the gap filler; items beyond it "
                "wait for a later day or are skipped, as each rule says."
            ),
            "min_spacing_minutes": _("0 = none. Counts every post of the channel, also by hand."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = False  # left out: the value stays as it was

    def clean(self):
        data = super().clean()
        for name in self.Meta.fields:
            if data.get(name) is None and name not in self.errors:
                data[name] = getattr(self.instance, name)
        return data

    @classmethod
    def for_channel(cls, channel: Channel, data=None) -> ChannelCapsForm:
        from carecast.automation.slots import settings_of

        return cls(data, instance=settings_of(channel), prefix="auto")


class AwarenessDayForm(forms.ModelForm):
    class Meta:
        model = AwarenessDay
        fields = [
            "name",
            "month",
            "day",
            "keywords",
            "hashtags",
            "departments",
            "lead_days",
            "is_active",
        ]
        widgets = {"departments": forms.CheckboxSelectMultiple}
        labels = {"departments": _("Departments")}
        help_texts = {"departments": _("None chosen: departments whose topics match the keywords.")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.instance.departments.values_list("pk", flat=True) if self.instance.pk else []
        self.fields["departments"].queryset = Department.objects.for_picker(
            organisation, keep=chosen
        )
        self.fields["month"].min_value, self.fields["month"].max_value = 1, 12
        self.fields["day"].help_text = _("Empty: the whole month.")
