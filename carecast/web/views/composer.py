"""The composer: one story, one post per channel, counted and previewed live, then planned."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carecast.approvals import edits
from carecast.approvals.services import ApprovalError, submit
from carecast.core.date_inputs import as_typed
from carecast.core.timezones import resolve_local
from carecast.media.video import looks_like_video
from carecast.publishing import daily_limits, posting_windows
from carecast.publishing.compliance import may_override
from carecast.publishing.models import Publication
from carecast.publishing.services import PublishingError, publish_now, schedule_local
from carecast.rights import (
    channels_for,
    editable_stories_for,
    media_for,
    person_required,
    require_publisher,
)
from carecast.stories.services import save_story
from carecast.web import composer
from carecast.web.forms import StoryForm, WallClockField
from carecast.web.media import ImageRejected, store_image, update_alt_texts
from carecast.web.templatetags.desk import dst_note, when


@person_required
def new_story(request):
    require_publisher(request.person)
    return _compose(request, story=None)


@person_required
def edit_story(request, story_id: int):
    require_publisher(request.person)
    story = get_object_or_404(editable_stories_for(request.person), pk=story_id)
    return _compose(request, story=story)


def _compose(request, story):
    person = request.person
    if request.method != "POST":
        form = StoryForm(initial=_initial(story, person), person=person)
        picked = _picked_media(request) if story is None else []
        return _render(request, form, story, _state_of_story(person, story, picked))
    form = StoryForm(request.POST, person=person)
    action = request.POST.get("action", "save")
    uploaded = _store_uploads(request)
    state = _state_of_post(request, story, extra_media=uploaded)
    if form.is_valid():
        form.check_schedulable(action)
        _check_submittable(form, action)
    if form.is_valid() and action in ("publish", "schedule"):
        for reason in composer.blocking_reasons(state["panels"]):
            form.add_error(None, reason)
        override = _override_reason(request, form, state)
    if not form.is_valid():
        return _render(request, form, story, state)
    before = edits.snapshot(story)
    story = _save(request, form, story, state)
    submission = _submission(request, state, form.cleaned_data["due"])
    resubmitted = _after_edit(request, story, before, submission if action == "submit" else None)
    if action == "submit":
        _submit(request, story, submission, resubmitted)
    elif action == "publish":
        done = _publish(
            request,
            story,
            state,
            lambda variant, actor: publish_now(variant, actor, override_reason=override),
        )
        _report_done(request, done, scheduled=False)
    elif action == "schedule":
        due = form.cleaned_data["due"]
        done = _publish(
            request,
            story,
            state,
            lambda variant, actor: schedule_local(
                variant,
                due,
                actor,
                zone=request.person.organisation.timezone,
                override_reason=override,
            ),
        )
        _report_done(request, done, scheduled=True)
        for warning in _limit_warnings(request, state["panels"], due, story):
            messages.warning(request, warning)
    else:
        messages.success(request, _("Story saved."))
    return redirect("web:story_detail", story_id=story.pk)


def _check_submittable(form, action: str) -> None:
    """Submitting needs channels; a planned time, if given, lies ahead."""
    if action != "submit":
        return
    if not form.cleaned_data.get("channels"):
        form.add_error("channels", _("Choose at least one channel."))
    due = form.cleaned_data.get("due")
    if due is not None and due < timezone.localtime().replace(tzinfo=None):
        form.add_error("due", _("This time is in the past."))


def _submission(request, state, due) -> dict:
    """What "Submit for approval" asks for: the chosen posts, the wished time, a note."""
    zone = request.person.organisation.timezone
    return {
        "channels": [p.channel.pk for p in state["panels"]],
        "due_at": resolve_local(due, zone).instant if due else None,
        "note": request.POST.get("review_note", ""),
    }


def _submit(request, story, submission: dict, resubmitted: bool) -> None:
    """Ask for approval instead of planning: nothing is scheduled until it is approved."""
    if not resubmitted:  # an edit of a planned post was submitted by ``_after_edit`` already
        try:
            submit(
                story,
                request.person,
                submission["channels"],
                submission["due_at"],
                submission["note"],
            )
        except ApprovalError as exc:
            messages.error(request, str(exc))
            return
    messages.success(request, _("Submitted for approval. The approvers have been told."))


def _after_edit(request, story, before, submission=None) -> bool:
    """A changed post that was planned or approved is not sent with its old text.
    True if the edit sent the story back to review."""
    result = edits.after_edit(story, request.person, before, submission)
    if result["review"] is not None and submission is None:
        messages.warning(
            request, _("You changed a planned or approved post: it goes back to review.")
        )
    if result["rescheduled"]:
        messages.info(request, _("The changed posts are planned again for their time."))
    for problem in result["problems"]:
        messages.error(request, problem)
    return result["review"] is not None


def _override_reason(request, form, state) -> str:
    """The reason typed to publish despite a blocking check; without a valid one, form errors.

    Only the communications lead may override (``publishing.compliance.OVERRIDE_ROLES``);
    ``publishing.services.schedule`` checks again and audits the override.
    """
    reason = request.POST.get("override_reason", "").strip()
    blocks = composer.compliance_blocks(state["panels"])
    if not blocks or (reason and may_override(request.user)):
        return reason
    for block in blocks:
        form.add_error(None, block)
    if may_override(request.user):
        form.add_error(None, _("Give a reason to override the blocking check, or change the post."))
    else:
        form.add_error(
            None,
            _("Only the communications lead can override a blocking check: ask them to review."),
        )
    return ""


def _initial(story, person) -> dict:
    if story is None:
        return {"department": person.department_id} if person.department_id else {}
    return {
        "title": story.title,
        "text": story.text,
        "link": story.link,
        "hashtags": story.hashtags,
        "department": story.department_id,
        "channels": [v.channel_id for v in story.variants.all()],
    }


def _picked_media(request) -> list:
    """A new story started from the media library ("Use in a new story") begins with that
    picture or video; only files this person may attach."""
    ids = [int(v) for v in request.GET.getlist("media") if v.isdigit()]
    by_id = media_for(request.person).in_bulk(ids)
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def _state_of_story(person, story, picked=()) -> dict:
    """The composer for a saved story: its posts as saved; a post counts as edited if it
    differs from what the story alone would give. A new story starts with ``picked``."""
    if story is None:
        return _state([], composer.StoryDraft(), list(picked), {}, set(), {}, person)
    variants = list(
        story.variants.filter(channel__in=channels_for(person)).select_related("channel")
    )
    draft = composer.StoryDraft(story.text, story.link, story.hashtags)
    media = list(story.media.all())
    texts = {v.channel_id: v.text for v in variants}
    plain = composer.build_panels([v.channel for v in variants], draft, media, {}, set())
    edited = {p.channel.pk for p in plain if texts.get(p.channel.pk) != p.text}
    return _state(
        [v.channel for v in variants],
        draft,
        media,
        texts,
        edited,
        composer.active_publications(story),
        person,
        {v.channel_id: v.options for v in variants},
    )


def _state_of_post(request, story, extra_media=()) -> dict:
    """The composer as typed so far; lenient, because it runs on every keystroke."""
    data = request.POST
    ids = [int(v) for v in data.getlist("channels") if v.isdigit()]
    channels = list(channels_for(request.person).filter(pk__in=ids).order_by("name"))
    media_ids = [int(v) for v in data.getlist("media") if v.isdigit()]
    by_id = media_for(request.person).in_bulk(media_ids)
    texts, edited, alts = composer.parse_variant_fields(data)
    media = composer.media_with_alt([by_id[i] for i in media_ids if i in by_id], alts)
    media += list(extra_media)
    link = data.get("link", "").strip()
    if link and "://" not in link:
        link = f"https://{link}"  # as the form's URLField will store it
    draft = composer.StoryDraft(data.get("text", ""), link, data.get("hashtags", ""))
    options = composer.parse_variant_options(data, channels)
    return _state(
        channels,
        draft,
        media,
        texts,
        edited,
        composer.active_publications(story),
        request.person,
        options,
    )


def _state(channels, draft, media, texts, edited, active, person=None, options=None) -> dict:
    panels = composer.build_panels(channels, draft, media, texts, edited, active, options)
    return {
        "review_needed": composer.review_needed(panels, person),
        "panels": panels,
        "media": media,
        "reasons": composer.blocking_reasons(panels),
        "compliance_blocks": composer.compliance_blocks(panels),
    }


def _render(request, form, story, state):
    wall = getattr(form, "cleaned_data", {}).get("due")
    context = {
        "form": form,
        "story": story,
        "nav": "stories",
        **state,
        # Only for what was typed: an opened story's time is not in the form yet.
        "limit_warnings": _limit_warnings(request, state["panels"], wall, story)
        if form.is_bound
        else [],
        "chosen_ids": {p.channel.pk for p in state["panels"]},
        "due_value": as_typed(request.POST.get("due", "")) if request.method == "POST" else "",
        "may_override": may_override(request.user),
        "override_reason": request.POST.get("override_reason", "")
        if request.method == "POST"
        else "",
    }
    return render(request, "web/composer/page.html", context)


def _store_uploads(request) -> list:
    """Images sent with the form itself (without JavaScript the upload is not done ahead)."""
    stored = []
    for upload in request.FILES.getlist("images"):
        try:
            stored.append(
                store_image(
                    upload, request.person.organisation, uploaded_by=request.user, draft=True
                )
            )
        except ImageRejected as exc:
            messages.error(request, str(exc))
    return stored


def _save(request, form, story, state):
    person, data = request.person, form.cleaned_data
    panels = state["panels"]
    channels = [p.channel for p in panels]
    texts = {p.channel.pk: p.text for p in panels}
    if story is not None:
        # Posts on channels this person cannot see stay as they are.
        for variant in story.variants.exclude(channel__in=channels_for(person)).select_related(
            "channel"
        ):
            channels.append(variant.channel)
            texts[variant.channel_id] = variant.text
    update_alt_texts(state["media"], {m.pk: m.alt_text for m in state["media"]})
    return save_story(
        person.organisation,
        title=data["title"],
        text=data["text"],
        channels=channels,
        link=data["link"],
        hashtags=data["hashtags"],
        department=data["department"],
        media=state["media"],
        variant_texts=texts,
        variant_options={p.channel.pk: p.options for p in panels if p.options_template},
        story=story,
        actor=request.user,
    )


def _publish(request, story, state, action) -> list[Publication]:
    """Publish or schedule every chosen post that is not already on its way."""
    chosen = {p.channel.pk for p in state["panels"]}
    active = composer.active_publications(story)
    done: list[Publication] = []
    for variant in story.variants.filter(channel_id__in=chosen).select_related("channel", "story"):
        if variant.channel_id in active:
            messages.info(
                request,
                _("%(channel)s: already %(state)s, not sent again.")
                % {
                    "channel": variant.channel.name,
                    "state": active[variant.channel_id].get_state_display(),
                },
            )
            continue
        try:
            done.append(action(variant, request.user))
        except PublishingError as exc:
            messages.error(request, f"{variant.channel.name}: {exc}")
    return done


def _report_done(request, done: list[Publication], *, scheduled: bool) -> None:
    if not done:
        return
    first = done[0]
    if scheduled:
        messages.success(
            request,
            ngettext(
                "%(count)d post scheduled for %(when)s.",
                "%(count)d posts scheduled for %(when)s.",
                len(done),
            )
            % {"count": len(done), "when": when(first.due_at)},
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d post is being published now.",
                "%(count)d posts are being published now.",
                len(done),
            )
            % {"count": len(done)},
        )
    for note in sorted({dst_note(p) for p in done} - {""}):
        messages.warning(request, note)


# Live fragments (htmx): the whole form is posted; each returns the part that changed.


@require_POST
@person_required
def live_variants(request):
    state = _state_of_post(request, _story_from_post(request))
    return render(
        request,
        "web/composer/_live_variants.html",
        {**state, "story": None, "may_override": may_override(request.user)},
    )


@require_POST
@person_required
def live_variant(request, channel_id: int):
    state = _state_of_post(request, _story_from_post(request))
    panel = next((p for p in state["panels"] if p.channel.pk == channel_id), None)
    return render(
        request,
        "web/composer/_live_variant.html",
        {**state, "panel": panel, "may_override": may_override(request.user)},
    )


@require_POST
@person_required
def live_due(request):
    """Tell before planning when the typed time falls into a clock change."""
    try:
        wall = WallClockField(required=False).clean(request.POST.get("due", ""))
    except Exception:
        wall = None
    note = ""
    if wall is not None:
        resolved = resolve_local(wall, request.person.organisation.timezone)
        note = dst_note(Publication(due_at=resolved.instant, due_note=resolved.note))
    story = _story_from_post(request)
    warnings = _limit_warnings(request, _state_of_post(request, story)["panels"], wall, story)
    return render(request, "web/composer/_due_note.html", {"note": note, "warnings": warnings})


def _limit_warnings(request, panels, wall, story) -> list[str]:
    """Channels whose live daily limit (Instagram, Threads) the planned day would cross."""
    day = wall.date() if wall is not None else timezone.localdate()
    found = daily_limits.plan_warnings(
        [p.channel for p in panels],
        day,
        request.person.organisation.timezone,
        story_id=story.pk if story else None,
    )
    messages = [w.message for w in found]
    if wall is not None:
        # Planning at night on a day-time channel is allowed, but should not go unnoticed.
        instant = resolve_local(wall, request.person.organisation.timezone).instant
        for panel in panels:
            warning = posting_windows.outside_warning(panel.channel, instant)
            if warning:
                messages.append(warning)
    return messages


@require_POST
@person_required
def upload(request):
    require_publisher(request.person)
    errors, stored = [], []
    for item in request.FILES.getlist("images"):
        if looks_like_video(item.name, item.content_type or ""):
            errors.append(
                _("%(name)s is a video: add it with “Upload a video”.") % {"name": item.name}
            )
            continue
        try:
            stored.append(
                store_image(item, request.person.organisation, uploaded_by=request.user, draft=True)
            )
        except ImageRejected as exc:
            errors.append(str(exc))
    response = HttpResponse(
        render_to_string(
            "web/composer/_media_items.html", {"media": stored, "errors": errors}, request
        )
    )
    if stored:
        response["HX-Trigger"] = "media-changed"
    return response


def _story_from_post(request):
    raw = request.POST.get("story", "")
    if not raw.isdigit():
        return None
    return editable_stories_for(request.person).filter(pk=int(raw)).first()
