"""The triage labels as the team reads them (one word per thing, see GLOSSARY)."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from carecast.inbox.triage import LABELS, Triage

LABEL_NAMES = {
    "emergency": pgettext_lazy("triage label", "emergency"),
    "health_data": pgettext_lazy("triage label", "health data"),
    "complaint": pgettext_lazy("triage label", "complaint"),
    "question": pgettext_lazy("triage label", "question"),
    "praise": pgettext_lazy("triage label", "praise"),
    "abuse": pgettext_lazy("triage label", "abuse"),
    "spam": pgettext_lazy("triage label", "spam"),
}
assert set(LABEL_NAMES) == set(LABELS), "every triage label needs a name"


def label_choices() -> list[tuple[str, str]]:
    return [(label, LABEL_NAMES[label]) for label in LABELS]


def stored_triage(item) -> Triage:
    """The triage as stored at arrival, for the ready reply and the moderator hint."""
    return Triage(
        text=item.text,
        labels=list(item.labels),
        reasons=dict(item.reasons),
        emergency_kinds=list(item.emergency_kinds),
    )
