"""The media library: every picture and video, its alt text, tags, music and consent records.

Department editors see the assets of their department's stories and the ones they uploaded;
the rule is in ``library_for`` so a guessed URL cannot get around it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from carecast.media import uploads
from carecast.media.models import Work
from carecast.media.video import looks_like_video
from carecast.publishing.compliance import withdraw_consent
from carecast.publishing.models import Publication, State
from carecast.rights import (
    channels_for,
    editable_stories_for,
    is_department_scoped,
    media_for,
    person_required,
    publications_for,
    require_publisher,
    stories_for,
)
from carecast.stories import library
from carecast.stories.models import MediaAsset, PersonShown, Variant
from carecast.web.forms import AssetForm, PersonShownForm
from carecast.web.media import ImageRejected, store_image

PAGE_SIZE = 48
# Posts a withdrawal reaches: still to go out, or out there (see ``withdraw_consent``).
LIVE_STATES = [State.SCHEDULED, State.PUBLISHED, State.UNCONFIRMED]
PUBLIC_STATES = [State.PUBLISHED, State.UNCONFIRMED]


def library_for(person) -> QuerySet[MediaAsset]:
    """The assets this person may see and edit in the library (not a composer's unsaved uploads)."""
    assets = media_for(person).filter(draft=False)
    if not is_department_scoped(person):
        return assets
    in_own_stories = MediaAsset.objects.filter(stories__in=editable_stories_for(person))
    return assets.filter(Q(pk__in=in_own_stories.values("pk")) | Q(uploaded_by=person.user_id))


def _asset(person, asset_id: int) -> MediaAsset:
    return get_object_or_404(library_for(person).select_related("uploaded_by"), pk=asset_id)


def _person_shown(asset: MediaAsset, person_id: int) -> PersonShown:
    return get_object_or_404(asset.people.all(), pk=person_id)


@person_required
def library_page(request):
    active = request.GET.get("filter", "")
    active = active if active in library.FILTERS else ""
    assets = library.filter_assets(library_for(request.person), active)
    assets = assets.prefetch_related("people").order_by("-created_at")
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    tiles = [(asset, library.consent_summary(asset.people.all(), today)) for asset in page]
    context = {
        "page": page,
        "tiles": tiles,
        "active": active,
        "has_any": active or bool(tiles) or library_for(request.person).exists(),
        "nav": "media",
    }
    return render(request, "web/media/library.html", context)


@require_POST
@person_required
def upload(request):
    """Images from the library's upload button: the composer's checks, metadata stripped.

    One image opens its page (alt text and people next); several go back to the library.
    """
    require_publisher(request.person)
    files = request.FILES.getlist("images")
    stored = []
    for item in files:
        if looks_like_video(item.name, item.content_type or ""):
            _video_from_form(request, item)  # a video never reaches the image decoder
            continue
        try:
            stored.append(store_image(item, request.person.organisation, uploaded_by=request.user))
        except ImageRejected as exc:
            messages.error(request, str(exc))
    if not files:
        messages.error(request, _("Choose at least one image to upload."))
    if len(stored) == 1:
        messages.success(request, _("Image uploaded. Add an alt text and the people shown in it."))
        return _go(request, reverse("web:media_asset", args=[stored[0].pk]))
    if stored:
        messages.success(
            request,
            ngettext("%(count)d image uploaded.", "%(count)d images uploaded.", len(stored))
            % {"count": len(stored)},
        )
    return _go(request, reverse("web:media_library"))


def _video_from_form(request, item) -> None:
    """A video sent with the plain form (no JavaScript): the worker checks and stores it."""
    try:
        upload = uploads.from_file(request.person.organisation, request.user, item)
    except uploads.UploadError as exc:
        messages.error(request, str(exc))
        return
    upload.refresh_from_db()
    if upload.state == Work.FAILED:
        messages.error(request, upload.error)
    elif upload.state == Work.DONE:
        messages.success(request, _("Video uploaded: %(name)s.") % {"name": item.name})
    else:
        messages.info(
            request,
            _("%(name)s is being checked; it appears in the library in a moment.")
            % {"name": item.name},
        )


def _go(request, url: str) -> HttpResponse:
    """A redirect; for htmx (the upload starts as soon as files are chosen) a full page load."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@person_required
def asset_detail(request, asset_id: int):
    asset = _asset(request.person, asset_id)
    if request.method == "POST":
        require_publisher(request.person)
        form = AssetForm(request.POST, asset=asset)
        if form.is_valid():
            library.update_asset(asset, actor=request.user, **form.asset_fields())
            messages.success(request, _("Saved."))
            return redirect("web:media_asset", asset_id=asset.pk)
    else:
        form = AssetForm(initial=AssetForm.initial_for(asset), asset=asset)
    return render(request, "web/media/asset.html", _asset_context(request, asset, form))


def _asset_context(request, asset: MediaAsset, form) -> dict:
    today = timezone.localdate()
    people = list(asset.people.prefetch_related("consent_channels").order_by("name", "pk"))
    withdrawn = any(library.person_status(p, today) == library.WITHDRAWN for p in people)
    from carecast.web.views.video import video_context

    return {
        "asset": asset,
        "video": video_context(asset) if asset.kind == MediaAsset.Kind.VIDEO else None,
        "form": form,
        "people": [(p, library.person_status(p, today)) for p in people],
        "summary": library.consent_summary(people, today),
        "usage": _usage(request.person, asset),
        "flagged": _publications_using(asset, PUBLIC_STATES) if withdrawn else [],
        "nav": "media",
    }


def _usage(person, asset: MediaAsset) -> list:
    """The stories this person can see that use the asset, with their posts' publications."""
    variants = (
        Variant.objects.filter(channel__in=channels_for(person))
        .select_related("channel")
        .prefetch_related(
            Prefetch(
                "publications",
                queryset=publications_for(person).order_by("-created_at"),
                to_attr="visible_publications",
            )
        )
    )
    return list(
        stories_for(person)
        .filter(media=asset)
        .order_by("-updated_at")
        .prefetch_related(Prefetch("variants", queryset=variants.order_by("channel__name")))
    )


def _publications_using(asset: MediaAsset, states) -> list[Publication]:
    return list(
        Publication.objects.filter(variant__story__media=asset, state__in=states)
        .select_related("channel", "variant__story")
        .order_by("due_at", "pk")
        .distinct()
    )


@person_required
def person_new(request, asset_id: int):
    require_publisher(request.person)
    asset = _asset(request.person, asset_id)
    return _person_form(request, asset, PersonShown(asset=asset))


@person_required
def person_edit(request, asset_id: int, person_id: int):
    require_publisher(request.person)
    asset = _asset(request.person, asset_id)
    shown = _person_shown(asset, person_id)
    if _is_withdrawn(shown):
        messages.info(
            request,
            _("A withdrawn consent stays on record. If the person agrees again, add them anew."),
        )
        return redirect("web:media_asset", asset_id=asset.pk)
    return _person_form(request, asset, shown)


def _person_form(request, asset: MediaAsset, shown: PersonShown):
    organisation = request.person.organisation
    if request.method == "POST":
        form = PersonShownForm(
            request.POST, request.FILES, instance=shown, organisation=organisation
        )
        if form.is_valid():
            library.save_person(
                form.save(),
                channels=form.cleaned_data["consent_channels"],
                document=form.cleaned_data.get("document") or None,
                actor=request.user,
            )
            messages.success(request, _("Consent record saved."))
            return redirect("web:media_asset", asset_id=asset.pk)
    else:
        form = PersonShownForm(instance=shown, organisation=organisation)
    context = {"asset": asset, "shown": shown, "form": form, "nav": "media"}
    return render(request, "web/media/person_form.html", context)


@cache_control(private=True, no_store=True)
@person_required
def consent_document(request, asset_id: int, person_id: int):
    """The signed consent: only for signed-in people of the organisation, never cached publicly."""
    shown = _person_shown(_asset(request.person, asset_id), person_id)
    if not shown.consent_document:
        raise Http404
    response = FileResponse(
        shown.consent_document.open("rb"), content_type=library.document_type(shown)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@person_required
def withdraw(request, asset_id: int, person_id: int):
    """Confirm, then withdraw: scheduled posts are cancelled, published ones flagged."""
    require_publisher(request.person)
    asset = _asset(request.person, asset_id)
    shown = _person_shown(asset, person_id)
    if _is_withdrawn(shown):
        return redirect("web:media_withdrawn", asset_id=asset.pk, person_id=shown.pk)
    if request.method == "POST":
        flags = withdraw_consent(shown, actor=request.user)
        request.session[_result_key(shown)] = [
            {"publication": f.publication.pk, "cancelled": f.cancelled} for f in flags
        ]
        return redirect("web:media_withdrawn", asset_id=asset.pk, person_id=shown.pk)
    context = {
        "asset": asset,
        "shown": shown,
        "scheduled": _publications_using(asset, [State.SCHEDULED]),
        "public": _publications_using(asset, PUBLIC_STATES),
        "nav": "media",
    }
    return render(request, "web/media/withdraw_confirm.html", context)


def _result_key(shown: PersonShown) -> str:
    return f"consent-withdrawal-{shown.pk}"


@person_required
def withdrawn(request, asset_id: int, person_id: int):
    """What the withdrawal did: the posts it cancelled and the public ones to take down."""
    asset = _asset(request.person, asset_id)
    shown = _person_shown(asset, person_id)
    if not _is_withdrawn(shown):
        return redirect("web:media_asset", asset_id=asset.pk)
    result = request.session.get(_result_key(shown))
    cancelled, public = _outcome(asset, result)
    visible = set(
        publications_for(request.person)
        .filter(pk__in=[p.pk for p in cancelled + public])
        .values_list("pk", flat=True)
    )
    context = {
        "asset": asset,
        "shown": shown,
        "cancelled": cancelled,
        "public": public,
        "visible": visible,
        "just_now": result is not None,
        "nav": "media",
    }
    return render(request, "web/media/withdrawn.html", context)


def _outcome(asset: MediaAsset, result: list[dict] | None) -> tuple[list, list]:
    """(cancelled, still public) as the withdrawal reported them; seen later, as they are now."""
    if result is None:
        return [], _publications_using(asset, PUBLIC_STATES)
    by_id = Publication.objects.select_related("channel", "variant__story").in_bulk(
        [r["publication"] for r in result]
    )
    chosen = [
        (by_id[r["publication"]], r["cancelled"]) for r in result if r["publication"] in by_id
    ]
    return [p for p, cancelled in chosen if cancelled], [p for p, c in chosen if not c]


def _is_withdrawn(shown: PersonShown) -> bool:
    return library.person_status(shown, timezone.localdate()) == library.WITHDRAWN
