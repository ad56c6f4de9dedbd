from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.core import audit
from carecast.publishing import services
from carecast.publishing.services import PublishingError
from carecast.rights import person_required, publications_for, require_publisher
from carecast.web.forms import ConfirmPublishedForm
from carecast.web.views.audit import HISTORY
from carecast.web.views.audit import rows as audit_rows


def _publication(person, publication_id: int):
    return get_object_or_404(
        publications_for(person).select_related("channel", "variant__story"), pk=publication_id
    )


@person_required
def publication_detail(request, publication_id: int):
    publication = _publication(request.person, publication_id)
    context = {
        "publication": publication,
        "attempts": list(publication.attempts.all()),
        "confirm_form": ConfirmPublishedForm(),
        "history": audit_rows(
            audit.history(publication.channel.organisation_id, [], [publication.pk])[:HISTORY]
        ),
        "nav": "calendar",
    }
    return render(request, "web/publication.html", context)


def _act(request, publication_id: int, action, done_message: str):
    """Run one service action on a publication (POST only), then show the page again."""
    require_publisher(request.person)
    publication = _publication(request.person, publication_id)
    try:
        action(publication)
    except PublishingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done_message)
    return redirect("web:publication", publication_id=publication.pk)


@require_POST
@person_required
def cancel(request, publication_id: int):
    return _act(
        request,
        publication_id,
        lambda p: services.cancel(p, actor=request.user),
        _("Post cancelled."),
    )


@require_POST
@person_required
def resend(request, publication_id: int):
    return _act(
        request,
        publication_id,
        lambda p: services.resend(p, actor=request.user),
        _("The post will be sent again now."),
    )


@require_POST
@person_required
def confirm(request, publication_id: int):
    form = ConfirmPublishedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter a valid address, or leave the field empty."))
        return redirect("web:publication", publication_id=publication_id)
    url = form.cleaned_data["url"]
    return _act(
        request,
        publication_id,
        lambda p: services.confirm_published(p, url, actor=request.user),
        _("Marked as published. It will not be sent again."),
    )
