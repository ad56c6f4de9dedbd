"""Writing stories and their per-channel posts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from carecast.core import audit
from carecast.core.models import Department, Organisation
from carecast.lib.text import clean_text
from carecast.networks.base import Problem
from carecast.networks.models import Channel
from carecast.stories.fitting import fit_text
from carecast.stories.models import MediaAsset, Story, Variant


@dataclass
class VariantReport:
    """What the composer shows beside a post: the count the network's way, and problems."""

    used: int
    limit: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.limit - self.used

    @property
    def fits(self) -> bool:
        return not any(p.blocking for p in self.problems)


def draft_for(channel: Channel, text: str, link: str = "", hashtags: Iterable[str] = ()) -> str:
    return fit_text(channel.rules, channel.text_limit, text, link, list(hashtags))


def report(channel: Channel, text: str, media: Iterable[MediaAsset] = ()) -> VariantReport:
    # What publishing will send: a video's version fitted to this network, with its probe
    # (media imports stories' models, hence imported here).
    from carecast.media.video import media_file

    files = [media_file(m, channel.network) for m in media]
    return VariantReport(
        used=channel.rules.count_text(text),
        limit=channel.text_limit,
        problems=channel.rules.check(text, files, channel.config),
    )


@transaction.atomic
def save_story(
    organisation: Organisation,
    *,
    title: str,
    text: str,
    channels: Iterable[Channel],
    link: str = "",
    hashtags: str = "",
    department: Department | None = None,
    media: Iterable[MediaAsset] = (),
    variant_texts: dict[int, str] | None = None,
    story: Story | None = None,
    actor=None,
    variant_options: dict[int, dict] | None = None,
) -> Story:
    """Create or update a story and one post per channel.

    A channel without an explicit text gets ``draft_for`` the story; channels no
    longer chosen lose their post unless it was already scheduled or published.
    """
    story = story or Story(organisation=organisation, created_by=actor)
    title, text, link, hashtags = map(clean_text, (title, text, link, hashtags))
    story.title, story.text, story.link, story.hashtags = title, text, link, hashtags
    story.department = department
    story.save()
    media = list(media)
    story.media.set(media)
    kept = [asset.pk for asset in media if asset.draft]
    if kept:  # the composer's uploads now belong to the library
        MediaAsset.objects.filter(pk__in=kept).update(draft=False)
    variant_texts = {pk: clean_text(t) for pk, t in (variant_texts or {}).items()}
    chosen = {c.pk: c for c in channels}
    for channel in chosen.values():
        text_for_channel = variant_texts.get(channel.pk) or draft_for(
            channel, text, link, story.hashtag_list()
        )
        defaults: dict = {"text": text_for_channel}
        if variant_options is not None and channel.pk in variant_options:
            defaults["options"] = variant_options[channel.pk]  # TikTok's, YouTube's choices
        Variant.objects.update_or_create(story=story, channel=channel, defaults=defaults)
    story.variants.exclude(channel_id__in=chosen).filter(publications__isnull=True).delete()
    audit.record(organisation, "story.saved", story.title, actor=actor, story=story.pk)
    return story


@dataclass
class NewStory:
    """One story for ``create_stories``: what ``save_story`` takes for a new one."""

    title: str
    text: str
    channels: list[Channel]
    link: str = ""
    hashtags: str = ""
    department: Department | None = None
    media: list[MediaAsset] = field(default_factory=list)
    variant_texts: dict[int, str] = field(default_factory=dict)


def create_stories(
    organisation: Organisation, new: list[NewStory], actor=None
) -> list[dict[int, Variant]]:
    """Create many new stories at once, as ``save_story`` would one by one.

    The automation turns hundreds of feed items into stories per check; a few inserts
    for all of them instead of several queries each. Returns each story's posts by channel.
    """
    stories: list[Story] = []
    variants: list[Variant] = []
    links: list = []
    entries: list = []
    for spec in new:
        title, text, link, hashtags = map(
            clean_text, (spec.title, spec.text, spec.link, spec.hashtags)
        )
        stories.append(
            Story(
                organisation=organisation,
                created_by=actor,
                title=title,
                text=text,
                link=link,
                hashtags=hashtags,
                department=spec.department,
            )
        )
    Story.objects.bulk_create(stories, batch_size=500)
    through = Story.media.through
    made: list[dict[int, Variant]] = []
    for story, spec in zip(stories, new, strict=True):
        links += [through(story_id=story.pk, mediaasset_id=m.pk) for m in spec.media]
        posts = {}
        for channel in {c.pk: c for c in spec.channels}.values():
            given = clean_text(spec.variant_texts.get(channel.pk, ""))
            text = given or draft_for(channel, story.text, story.link, story.hashtag_list())
            posts[channel.pk] = Variant(story=story, channel=channel, text=text)
        variants += posts.values()
        made.append(posts)
        entries.append(
            audit.entry(organisation, "story.saved", story.title, actor=actor, story=story.pk)
        )
    through.objects.bulk_create(links, batch_size=500)
    Variant.objects.bulk_create(variants, batch_size=500)
    audit.record_many(entries)
    return made


def drop_abandoned_drafts(before) -> int:
    """Delete composer uploads that no saved story kept, uploaded before ``before``: the photos
    of an abandoned first try (they may show patients, so they do not linger). Returns how many."""
    abandoned = list(MediaAsset.objects.filter(draft=True, created_at__lt=before, stories=None))
    for asset in abandoned:
        asset.file.delete(save=False)
    MediaAsset.objects.filter(pk__in=[a.pk for a in abandoned]).delete()
    return len(abandoned)
