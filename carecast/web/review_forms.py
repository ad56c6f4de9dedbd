"""Forms of the approvals pages: a decision, a new time, the lead's rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from carecast.approvals.models import Mode
from carecast.approvals.services import ApprovalError
from carecast.web.forms import WallClockField


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("changes", _("Ask for changes")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=pgettext_lazy("review", "Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you ask for changes or reject: the author reads it."),
    )


Result = TypeVar("Result")


def apply_decision(request, decide: Callable[[str, str], Result]) -> tuple[str, Result] | None:
    """The posted decision and what ``decide(decision, comment)`` answered (a story's review
    and a reply's alike); None, with the reason shown as a message, when the form is
    incomplete or the decision is refused."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose approve, ask for changes or reject."))
        return None
    decision = form.cleaned_data["decision"]
    try:
        return decision, decide(decision, form.cleaned_data["comment"])
    except ApprovalError as exc:
        messages.error(request, str(exc))
        return None


class NewTimeForm(forms.Form):
    due = WallClockField(label=_("New date and time"))


class ModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Who needs approval"),
        choices=Mode.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, inherit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(Mode.choices)
        if inherit:
            choices.insert(0, ("", _("As the department decides")))
        self.fields["mode"].choices = choices


class ReplyLabelsForm(forms.Form):
    labels = forms.MultipleChoiceField(
        label=_("Replies need approval for comments labelled"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, **kwargs):
        from carecast.approvals.rules import reply_labels
        from carecast.inbox.labels import label_choices

        super().__init__(*args, **kwargs)
        self.fields["labels"].choices = label_choices()
        self.fields["labels"].initial = reply_labels(organisation)
