from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from carecast.core import audit
from carecast.publishing.models import Publication
from carecast.rights import channels_for, person_required, stories_for
from carecast.stories.models import Variant
from carecast.web.views.audit import HISTORY
from carecast.web.views.audit import rows as audit_rows

PAGE_SIZE = 30


def _variants(person):
    """A story's posts on the channels this person may see, newest publication first."""
    return (
        Variant.objects.filter(channel__in=channels_for(person))
        .select_related("channel")
        .prefetch_related(
            Prefetch("publications", queryset=Publication.objects.order_by("-created_at"))
        )
        .order_by("channel__name")
    )


@person_required
def story_list(request):
    stories = stories_for(request.person).select_related("department").order_by("-updated_at")
    query = request.GET.get("q", "").strip()
    if query:
        stories = stories.filter(title__icontains=query)
    stories = stories.prefetch_related(Prefetch("variants", queryset=_variants(request.person)))
    page = Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "web/stories/list.html", {"page": page, "query": query, "nav": "stories"}
    )


@person_required
def story_detail(request, story_id: int):
    story = get_object_or_404(
        stories_for(request.person)
        .select_related("department", "created_by")
        .prefetch_related("media", Prefetch("variants", queryset=_variants(request.person))),
        pk=story_id,
    )
    context = {"story": story, "history": _history(story), "nav": "stories"}
    return render(request, "web/stories/detail.html", context)


def _history(story):
    """The story's own entries and those of its posts this person may see (prefetched)."""
    posts = [p.pk for variant in story.variants.all() for p in variant.publications.all()]
    return audit_rows(audit.history(story.organisation_id, [story.pk], posts)[:HISTORY])
