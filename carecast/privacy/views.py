"""The lead's pages for personal data: the record of processing, and "Auskunft und Löschung"
(one person found across every kind, their data downloaded as a ZIP or erased)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecast.live import retention as live_retention
from carecast.privacy import archive, service, stores, sweep
from carecast.privacy.people import KINDS, LABELS
from carecast.rights import person_passes
from carecast.rights.roles import may_answer_data_requests


@person_passes(may_answer_data_requests)
def records(request):
    organisation = request.person.organisation
    rows = stores.records(organisation, live_retention.keep_days())
    context = {"organisation": organisation, "rows": rows, "nav": "team"}
    return render(request, "privacy/records.html", context)


def _picks(request) -> list[tuple[str, str]]:
    """The chosen people: "kind:key" values of known kinds, in order, once each."""
    picks: list[tuple[str, str]] = []
    for value in request.POST.getlist("pick"):
        kind, _sep, key = value.partition(":")
        if kind in KINDS and key and (kind, key) not in picks:
            picks.append((kind, key[:300]))
    return picks


WHAT_HAPPENS = {
    "commenter": gettext_lazy(
        "Comments: text, name and link are emptied, with the hospital's replies, notes and "
        "webhook copies."
    ),
    "shown": gettext_lazy(
        "People shown in media: the consent is withdrawn (planned posts are cancelled), the "
        "signed form deleted and the name replaced by a pseudonym."
    ),
    "asker": gettext_lazy(
        "Question askers: their questions and votes are deleted, as after the retention period."
    ),
    "member": gettext_lazy(
        "Team members: the account is deactivated, name and e-mail are emptied; the audit log "
        "keeps what they did under a pseudonym."
    ),
    "applicant": gettext_lazy(
        "Job applications: the reference is replaced by a pseudonym; the application still "
        "counts for the post that brought it."
    ),
}

# What the search itself shows (and an erasure clears): not repeated as a mention.
SHOWN_BY_SEARCH = {
    ("inbox.InboxItem", "author"),
    ("inbox.InboxItem", "author_id"),
    ("stories.PersonShown", "name"),
    ("stories.PersonShown", "consent_reference"),
    ("live.Question", "nickname"),
    ("live.Question", "text"),
    ("live.Question", "public_text"),
    ("auth.User", "username"),
    ("auth.User", "first_name"),
    ("auth.User", "last_name"),
    ("auth.User", "email"),
}
# The history is pseudonymised by an erasure; sessions hold nothing readable.
NOT_SWEPT = frozenset({"core.AuditLog", "admin.LogEntry", "sessions.Session"})


def _mentions(organisation, query: str) -> list[dict]:
    """Free texts that mention the query beyond what an erasure covers (a story's text, a
    picture's alt text): a person has to read and change them."""
    found = []
    for mention in sweep.mentions(query, skip=NOT_SWEPT, organisation=organisation):
        if (mention.model, mention.field) in SHOWN_BY_SEARCH:
            continue
        model = apps.get_model(mention.model)
        field = model._meta.get_field(mention.field)
        found.append(
            {
                "model": model._meta.verbose_name,
                "field": field.verbose_name,
                "count": len(mention.pks),
                "links": [(f"#{pk}", _link(mention.model, pk)) for pk in mention.pks[:10]],
            }
        )
    return found


# Where a person edits a text that names someone (other texts are listed by id).
EDIT_PAGES = {
    "stories.Story": ("web:story_detail", "story_id"),
    "stories.MediaAsset": ("web:media_asset", "asset_id"),
}


def _link(label: str, pk) -> str:
    if label == "stories.Variant":
        label, pk = "stories.Story", apps.get_model(label).objects.get(pk=pk).story_id
    if label not in EDIT_PAGES:
        return ""
    name, argument = EDIT_PAGES[label]
    return reverse(name, kwargs={argument: pk})


@person_passes(may_answer_data_requests)
def requests(request):
    query = request.GET.get("q", "").strip()[:200]
    organisation = request.person.organisation
    found = service.search(organisation, query, request.user) if query else {}
    groups = [
        {"kind": kind, "label": LABELS[kind], "matches": matches} for kind, matches in found.items()
    ]
    context = {
        "q": query,
        "groups": groups,
        "any_match": any(g["matches"] for g in groups),
        "mentions": _mentions(organisation, query) if len(query) >= service.MIN_QUERY else [],
        "too_short": bool(query) and len(query) < service.MIN_QUERY,
        "nav": "team",
    }
    return render(request, "privacy/requests.html", context)


@require_POST
@person_passes(may_answer_data_requests)
def export(request):
    picks = _picks(request)
    if not picks:
        messages.error(request, _("Choose at least one person."))
        return _back(request)
    organisation = request.person.organisation
    data = archive.build(organisation, picks)
    for kind in dict(picks):
        service.exported(organisation, kind, request.user)
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="carecast-auskunft-{stamp}.zip"'
    return response


def _back(request):
    query = request.POST.get("q", "")[:200]
    target = redirect("privacy:requests")
    if query:
        target["Location"] += "?" + urlencode({"q": query})
    return target


@require_POST
@person_passes(may_answer_data_requests)
def erase(request):
    organisation = request.person.organisation
    picks = _picks(request)
    if not picks:
        messages.error(request, _("Choose at least one person."))
        return _back(request)
    refused = [
        (kind, key, why)
        for kind, key in picks
        if (why := service.refusal(organisation, kind, key, request.user))
    ]
    if request.POST.get("confirm") != "yes" or refused:
        chosen = [
            {
                "kind": kind,
                "label": LABELS[kind],
                "key": key,
                "name": _name(organisation, kind, key),
                "published": _published(organisation, kind, key),
            }
            for kind, key in picks
        ]
        context = {
            "q": request.POST.get("q", ""),
            "chosen": chosen,
            "refused": refused,
            "what_happens": [WHAT_HAPPENS[kind] for kind in KINDS if kind in dict(picks)],
            "nav": "team",
        }
        return render(request, "privacy/erase_confirm.html", context)
    published: list[tuple[str, str]] = []
    total = 0
    for kind, key in picks:
        erased = service.erase(organisation, kind, key, request.user)
        published += erased.published
        total += erased.total
    request.session["privacy_published"] = published
    messages.success(request, _("Erased: %(n)s records.") % {"n": total})
    return redirect("privacy:erased")


def _name(organisation, kind: str, key: str) -> str:
    """How the confirmation names a chosen person (askers by the names given, if any)."""
    if kind != "asker":
        return key
    from carecast.privacy.people import asker

    names = sorted({q.nickname for q in asker.rows(organisation, key) if q.nickname})
    return ", ".join(names) or _("a question asker without a name")


def _published(organisation, kind: str, key: str) -> list[tuple[str, str]]:
    if kind != "shown":
        return []
    from carecast.privacy.people import shown

    return shown.published([p.asset for p in shown.rows(organisation, key)])


@person_passes(may_answer_data_requests)
def erased(request):
    published = request.session.pop("privacy_published", [])
    return render(request, "privacy/erased.html", {"published": published, "nav": "team"})
