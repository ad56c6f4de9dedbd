"""The audit log page (“Protokoll”) for the lead, its CSV export, and object histories.

Filtering and labels live in ``core.audit`` and ``core.audit_labels``; this module turns
query parameters into ``audit.Filters`` and entries into rows with links.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carecast.core import audit, audit_csv
from carecast.core.audit_labels import (
    ACTION_LABELS,
    OBJECT_TYPE_LABELS,
    action_label,
    actor_name,
    details,
    object_type_label,
)
from carecast.core.date_inputs import OrgDateField
from carecast.core.models import AuditLog, Person
from carecast.rights import may_read_audit, person_passes

PAGE_SIZE = 50
HISTORY = 100  # entries on a story's or post's page, newest first; the log has them all
AUTOMATIC = "auto"  # the person filter's value for what carecast did by itself
LINKS = {
    "story": ("web:story_detail", "story_id"),
    "publication": ("web:publication", "publication_id"),
    "media": ("web:media_asset", "asset_id"),
    "channel": ("web:channel", "channel_id"),
    "comment": ("inbox:item", "item_id"),
}


class AuditFilterForm(forms.Form):
    person = forms.ChoiceField(label=_("Person"), required=False)
    object_type = forms.ChoiceField(label=_("Object"), required=False)
    q = forms.CharField(label=_("Name or number"), required=False, max_length=200)
    action = forms.ChoiceField(label=_("Action"), required=False)
    start = OrgDateField(label=_("From"), required=False)
    end = OrgDateField(label=_("Until"), required=False)

    def __init__(self, data, organisation, **kwargs) -> None:
        super().__init__(data, **kwargs)
        people = Person.objects.filter(organisation=organisation).select_related("user")
        self.fields["person"].choices = [
            ("", _("Everyone")),
            *sorted(((str(p.user_id), str(p)) for p in people), key=_by_label),
            (AUTOMATIC, _("carecast (automatic)")),
        ]
        self.fields["object_type"].choices = [("", _("All objects"))] + [
            (kind, label) for kind, label in OBJECT_TYPE_LABELS.items()
        ]
        codes = set(ACTION_LABELS) | set(audit.actions_in_use(organisation))
        labelled = sorted(((code, action_label(code)) for code in codes), key=_by_label)
        self.fields["action"].choices = [("", _("All actions")), *labelled]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
            data.pop("start", None)  # a reversed range narrows by neither date
        return data

    def filters(self) -> audit.Filters:
        """What was entered validly; a field with an error narrows nothing (it is shown)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        person = data.get("person") or ""
        end = data.get("end")
        return audit.Filters(
            actor_id=int(person) if person.isdigit() else None,
            automatic=person == AUTOMATIC,
            object_type=data.get("object_type") or "",
            text=data.get("q") or "",
            action=data.get("action") or "",
            start=_midnight(data.get("start")),
            end=_midnight(end + dt.timedelta(days=1)) if end else None,
        )


def _by_label(choice: tuple[str, str]) -> str:
    """Alphabetical as people read it: "Änderungen" among the A, not after Z."""
    return unicodedata.normalize("NFKD", choice[1]).casefold()


def _midnight(day: dt.date | None) -> dt.datetime | None:
    """The start of ``day`` in the organisation's zone (activated by the middleware)."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Row:
    entry: AuditLog
    actor: str
    action: str
    object_type: str
    url: str
    details: list[tuple[str, str]]

    @property
    def is_override(self) -> bool:
        return self.entry.action == "compliance.override"


def rows(entries) -> list[Row]:
    """Entries as the templates show them: labels, a link to the object, readable details."""
    return [
        Row(
            entry=entry,
            actor=actor_name(entry),
            action=action_label(entry.action),
            object_type=object_type_label(entry.object_type) if entry.object_type else "",
            url=_link(entry),
            details=details(entry),
        )
        for entry in entries
    ]


def _link(entry: AuditLog) -> str:
    target = LINKS.get(entry.object_type)
    if target is None or not entry.object_id:
        return ""
    name, argument = target
    return reverse(name, kwargs={argument: entry.object_id})


@person_passes(may_read_audit)
def audit_log(request):
    """The organisation's log, filtered and paginated, newest first."""
    organisation = request.person.organisation
    form = AuditFilterForm(request.GET or None, organisation)
    if form.is_bound:
        form.is_valid()  # errors are shown; the valid fields still filter
    entries = audit.entries(organisation, form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows(page.object_list),
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
        "query": query.urlencode(),
        "nav": "audit",
    }
    return render(request, "web/audit/log.html", context)


@person_passes(may_read_audit)
def audit_csv_export(request):
    """The same entries as the page with the same filters, all pages, as CSV."""
    organisation = request.person.organisation
    form = AuditFilterForm(request.GET or None, organisation)
    if form.is_bound:
        form.is_valid()
    entries = audit.entries(organisation, form.filters()).iterator(chunk_size=2000)
    stamp = timezone.localdate().isoformat()
    body = audit_csv.lines(entries, timezone.get_current_timezone(), get_language())
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{stamp}.csv"'
    return response
