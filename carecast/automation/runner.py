"""Running rules: items in, stories and scheduled publications out (or a dry-run plan).

Stories are written with ``stories.services.save_story`` and publications with
``publishing.services.schedule``; ``AutoPost`` (unique per item and channel) records what we
did, so a rerun, a second rule or a second worker never posts an item twice on a channel.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.automation import rules as rulebook
from carecast.automation.models import AutoPost, Item, Overflow, Policy, Rule
from carecast.automation.slots import HORIZON_DAYS, Planner
from carecast.networks.models import Channel
from carecast.publishing.services import PublishingError, schedule, schedule_many
from carecast.stories.services import NewStory, create_stories, save_story

Status = AutoPost.Status
# Not stored: the item stays unhandled and the next check tries again (a later day may be free).
DEFERRED = "deferred"


@dataclass
class Planned:
    """One post a rule makes (or would make, in a dry run)."""

    item: Item
    channel: Channel
    text: str
    status: str
    due_at: dt.datetime | None = None
    reason: str = ""
    empty_fields: list[str] = field(default_factory=list)  # template placeholders with no value
    on_next_check: bool = True  # False: only "run now" posts it (the item was handled before)

    @property
    def empty_placeholders(self) -> str:
        return ", ".join(f"{{{name}}}" for name in self.empty_fields)

    @property
    def status_label(self) -> str:
        if self.status == DEFERRED:
            return _("waits for a free day")
        return str(Status(self.status).label)


class Run:
    """One pass of one rule over some items, with a planner per channel."""

    def __init__(self, rule: Rule, now: dt.datetime) -> None:
        self.rule, self.now = rule, now
        self.channels = list(rule.channels.all())
        self.planners: dict[int, Planner] = {}

    def planner(self, channel: Channel) -> Planner:
        if channel.pk not in self.planners:
            self.planners[channel.pk] = Planner.for_channel(channel, self.now)
        return self.planners[channel.pk]

    def plan(self, item: Item, done: set[int]) -> list[Planned]:
        """What the rule does with ``item`` on each channel that has not had it yet."""
        targets = [c for c in rulebook.route(self.rule, item, self.channels) if c.pk not in done]
        return [self._plan_one(item, c) for c in targets if not _mirrors_itself(item, c)]

    def _plan_one(self, item: Item, channel: Channel) -> Planned:
        planned = self._slot(item, channel, rulebook.post_text(self.rule, item, channel))
        planned.empty_fields = rulebook.empty_fields(self.rule, item, channel.network)
        planned.on_next_check = item.handled_at is None
        return planned

    def _slot(self, item: Item, channel: Channel, text: str) -> Planned:
        policy = self.rule.policy
        if policy == Policy.DRAFT:
            return Planned(item, channel, text, Status.DRAFT)
        if policy == Policy.GAP:
            return Planned(item, channel, text, Status.QUEUED)
        planner = self.planner(channel)
        due = planner.next_slot(self.now, windows=policy == Policy.NEXT_SLOT)
        if due is None and self.rule.overflow == Overflow.LATER:
            reason = _("Waits: no free slot in the next %(days)s days; tried again at every check.")
            return Planned(item, channel, text, DEFERRED, reason=reason % {"days": HORIZON_DAYS})
        if due is None:
            reason = _("Skipped: no free slot in the next %(days)s days (daily cap or spacing).")
            return Planned(
                item, channel, text, Status.SKIPPED, reason=reason % {"days": HORIZON_DAYS}
            )
        planner.take(due)
        return Planned(item, channel, text, Status.SCHEDULED, due_at=due)


def _mirrors_itself(item: Item, channel: Channel) -> bool:
    # A channel source never feeds its own channel: that would loop forever.
    return item.source.channel_id == channel.pk


DRY_RUN_LIMIT = 200


def candidate_queryset(rule: Rule, now: dt.datetime, items=None):
    """The rule's items, narrowed in the database by age before the Python filters run."""
    qs = Item.objects.filter(source__in=rule.sources.all()) if items is None else items
    if rule.max_age_days:
        cutoff = now - dt.timedelta(days=rule.max_age_days)
        qs = qs.filter(
            Q(published_at__gte=cutoff) | Q(published_at__isnull=True, first_seen_at__gte=cutoff)
        )
    return qs.select_related("source")


def candidate_items(rule: Rule, qs, now: dt.datetime) -> list[Item]:
    return [i for i in qs if rulebook.matches(rule, i, now)]


def guid_key(guid: str, feed_url: str) -> str:
    """A GUID that names itself (a URL, urn:, tag:) is global; any other counts per feed address."""
    if "://" in guid or guid.startswith(("urn:", "tag:")):
        return guid
    return f"{feed_url}\x1f{guid}"


class Sent:
    """Channels each item already reached, by the item itself, its GUID or its link.

    The same feed added as two sources makes two items of one entry: they share GUID and
    link, and one entry reaches one channel once, whichever source or rule leads to it.
    """

    def __init__(self, qs, channels: list[Channel]) -> None:
        self.by_id: dict[int, set[int]] = defaultdict(set)
        self.by_key: dict[str, set[int]] = defaultdict(set)
        posts = AutoPost.objects.filter(channel__in=channels, item__isnull=False)
        # The items' GUIDs and links are read first and passed as values: as subqueries,
        # PostgreSQL joined every post to every item and a check took seconds (bench/ingest).
        ids, guids, links = set(), set(), set()
        for pk, guid, link in qs.values_list("pk", "guid", "link"):
            ids.add(pk)
            guids.add(guid)
            if link:
                links.add(link)
        for item_id, channel_id in _in_chunks(
            ids, lambda part: posts.filter(item__in=part).values_list("item_id", "channel_id")
        ):
            self.by_id[item_id].add(channel_id)
        same_guid = _in_chunks(
            guids,
            lambda part: posts.filter(item__guid__in=part).values_list(
                "item__guid", "item__source__url", "channel_id"
            ),
        )
        for guid, url, channel_id in same_guid:
            self.by_key[guid_key(guid, url)].add(channel_id)
        same_link = _in_chunks(
            links,
            lambda part: posts.filter(item__link__in=part).values_list("item__link", "channel_id"),
        )
        for link, channel_id in same_link:
            self.by_key["link:" + link].add(channel_id)

    @staticmethod
    def keys(item: Item) -> list[str]:
        keys = [guid_key(item.guid, item.source.url)]
        return keys + ["link:" + item.link] if item.link else keys

    def __getitem__(self, item: Item) -> set[int]:
        done = set(self.by_id[item.pk])
        for key in self.keys(item):
            done |= self.by_key[key]
        return done

    def add(self, item: Item, plans: list[Planned]) -> None:
        for key in self.keys(item):
            self.by_key[key].update(p.channel.pk for p in plans)


def _in_chunks(values: set, query) -> list:
    """``query`` over ``values`` in parts small enough for SQLite's limit on parameters."""
    ordered, rows = sorted(values), []
    for start in range(0, len(ordered), 500):
        rows += list(query(ordered[start : start + 500]))
    return rows


def dry_run(
    rule: Rule, now: dt.datetime | None = None, limit: int = DRY_RUN_LIMIT
) -> list[Planned]:
    """What ``rule`` would post for the items its sources hold now; nothing is written.

    Looks at the ``limit`` oldest items still to be posted, in the order the rule would.
    """
    now = now or timezone.now()
    run = Run(rule, now)
    qs = candidate_queryset(rule, now)
    sent = Sent(qs, run.channels)
    targets = {c.pk for c in run.channels}
    items = [i for i in candidate_items(rule, qs, now) if not targets <= sent[i]]
    planned: list[Planned] = []
    for item in sorted(items, key=_oldest_first)[:limit]:
        plans = run.plan(item, sent[item])
        sent.add(item, [p for p in plans if p.status != DEFERRED])
        planned += plans
    return planned


def run_rule(rule: Rule, items=None, now: dt.datetime | None = None, actor=None) -> list[Planned]:
    """Apply ``rule`` to its items (or ``items``): create stories, schedule, remember."""
    now = now or timezone.now()
    if not rule.is_active:
        return []
    run = Run(rule, now)
    qs = candidate_queryset(rule, now, items)
    chosen = candidate_items(rule, qs, now)
    sent = Sent(qs, run.channels)
    results: list[Planned] = []
    batch: list[tuple[Item, list[Planned]]] = []
    for item in sorted(chosen, key=_oldest_first):
        plans = run.plan(item, sent[item])
        # A deferred post is not remembered: the item stays pending and is planned again.
        now_plans = [p for p in plans if p.status != DEFERRED]
        if now_plans:
            batch.append((item, now_plans))
        if len(batch) >= BATCH_SIZE:
            results += _carry_out_batch(rule, batch, actor)
            batch = []
        results += [p for p in plans if p.status == DEFERRED]
        sent.add(item, now_plans)
    return results + _carry_out_batch(rule, batch, actor)


# Items written together: a few inserts per batch instead of several queries per post.
BATCH_SIZE = 200


def _carry_out_batch(rule: Rule, batch: list[tuple[Item, list[Planned]]], actor) -> list[Planned]:
    """``_carry_out`` for many items at once: stories, posts, publications and ``AutoPost``
    rows in bulk. ``AutoPost``'s uniqueness still decides: if another run recorded one of
    these items on a channel meanwhile, the batch is undone and each item is tried alone,
    so the others still go out and the item that was taken is not posted twice."""
    if not batch:
        return []
    try:
        with transaction.atomic():
            return _write_batch(rule, batch, actor)
    except IntegrityError:
        pass
    done: list[Planned] = []
    for item, plans in batch:
        done += _carry_out(rule, item, plans, actor)
    return done


def _write_batch(rule: Rule, batch: list[tuple[Item, list[Planned]]], actor) -> list[Planned]:
    posting = [(item, [p for p in plans if p.status != Status.SKIPPED]) for item, plans in batch]
    with_story = [(item, plans) for item, plans in posting if plans]
    made = create_stories(rule.organisation, [_new_story(rule, i, p) for i, p in with_story], actor)
    variants = {item.pk: posts for (item, _p), posts in zip(with_story, made, strict=True)}
    stories = {pk: next(iter(posts.values())).story for pk, posts in variants.items()}
    scheduled = [
        (item, plan, variants[item.pk][plan.channel.pk])
        for item, plans in batch
        for plan in plans
        if plan.status == Status.SCHEDULED and plan.due_at is not None
    ]
    outcomes = schedule_many([(v, p.due_at) for _i, p, v in scheduled if p.due_at], actor=actor)
    publications = {}
    for (item, plan, _v), outcome in zip(scheduled, outcomes, strict=True):
        if isinstance(outcome, PublishingError):
            plan.status, plan.reason, plan.due_at = Status.SKIPPED, str(outcome), None
        else:
            publications[(item.pk, plan.channel.pk)] = outcome
    AutoPost.objects.bulk_create(
        [
            AutoPost(
                channel=plan.channel,
                kind=AutoPost.Kind.RULE,
                status=plan.status,
                rule=rule,
                item=item,
                story=stories.get(item.pk),
                publication=publications.get((item.pk, plan.channel.pk)),
                due_at=plan.due_at,
                reason=plan.reason[:300],
            )
            for item, plans in batch
            for plan in plans
        ],
        batch_size=500,
    )
    return [plan for _item, plans in batch for plan in plans]


def _new_story(rule: Rule, item: Item, plans: list[Planned]) -> NewStory:
    return NewStory(
        title=(item.title or item.summary or item.guid)[:200],
        text=item.summary,
        link=item.link,
        hashtags=rule.hashtags,
        department=rule.department or item.source.department,
        channels=[p.channel for p in plans],
        variant_texts={p.channel.pk: p.text for p in plans},
        media=[item.image] if rule.include_image and item.image else [],
    )


def _oldest_first(item: Item):
    return (item.published_at or item.first_seen_at, item.pk)


def _carry_out(rule: Rule, item: Item, plans: list[Planned], actor) -> list[Planned]:
    """One story for the item, one post per channel; all or nothing per item."""
    if not plans:
        return []
    try:
        with transaction.atomic():
            posting = [p for p in plans if p.status != Status.SKIPPED]
            story = _story(rule, item, posting, actor) if posting else None
            variants = {v.channel_id: v for v in story.variants.all()} if story else {}
            for plan in plans:
                _record(rule, item, story, variants.get(plan.channel.pk), plan, actor)
    except IntegrityError:
        return []  # another run got there first; its posts stand
    return plans


def _story(rule: Rule, item: Item, plans: list[Planned], actor):
    return save_story(
        rule.organisation,
        title=(item.title or item.summary or item.guid)[:200],
        text=item.summary,
        link=item.link,
        hashtags=rule.hashtags,
        department=rule.department or item.source.department,
        channels=[p.channel for p in plans],
        variant_texts={p.channel.pk: p.text for p in plans},
        media=[item.image] if rule.include_image and item.image_id else [],
        actor=actor,
    )


def _record(rule, item, story, variant, plan: Planned, actor) -> None:
    publication = None
    if plan.status == Status.SCHEDULED:
        try:
            publication = schedule(variant, plan.due_at, actor=actor)
        except PublishingError as exc:
            plan.status, plan.reason, plan.due_at = Status.SKIPPED, str(exc), None
    AutoPost.objects.create(
        channel=plan.channel,
        kind=AutoPost.Kind.RULE,
        status=plan.status,
        rule=rule,
        item=item,
        story=story,
        publication=publication,
        due_at=plan.due_at,
        reason=plan.reason[:300],
    )
