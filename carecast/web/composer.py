"""The composer's state: one panel per chosen channel, with its text, count, problems and preview.

Each panel's text is the person's own edit if they changed it, otherwise the
story fitted to the channel by ``draft_for``. Nothing here writes to the
database; ``views.composer`` saves through the stories and publishing services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from carecast.networks.models import Channel
from carecast.publishing.compliance import findings_for
from carecast.publishing.models import Publication, State
from carecast.stories.fitting import Fit, fit
from carecast.stories.models import MediaAsset, Story
from carecast.stories.services import VariantReport, report

# A channel with one of these already has its post on the way (or out): don't schedule it twice.
ACTIVE_STATES = {State.SCHEDULED, State.PUBLISHING, State.PUBLISHED, State.UNCONFIRMED}


@dataclass
class Panel:
    channel: Channel
    text: str
    edited: bool
    report: VariantReport
    media: list[MediaAsset]
    active: Publication | None = None
    # Compliance findings (HWG, consent, music, imprint …), most severe first.
    findings: list = field(default_factory=list)
    # The network's own choices for this post (TikTok, YouTube) and what is missing in them.
    options: dict = field(default_factory=dict)
    option_problems: list = field(default_factory=list)
    # The automatic draft and what it left out (None for a text typed by hand).
    fitted: Fit | None = None

    @property
    def option_context(self) -> dict:
        """What the network's fields offer (TikTok: the creator's privacy levels …)."""
        offer = getattr(self.channel.rules, "option_context", None)
        return offer(self.channel.config or {}) if offer else {}

    @property
    def options_template(self) -> str:
        """The network's fields for its choices (``networks/<name>/options.html``), if any."""
        return getattr(self.channel.rules, "options_template", "")

    @property
    def compliance_blocks(self) -> list:
        return [f for f in self.findings if f.blocks]

    @property
    def over(self) -> bool:
        return self.report.remaining < 0

    @property
    def near(self) -> bool:
        """Within the last tenth of the limit: worth a glance before typing on."""
        return 0 <= self.report.remaining <= self.report.limit // 10

    @property
    def blocking(self) -> list:
        return [p for p in self.report.problems if p.blocking] + [
            p for p in self.option_problems if p.blocking
        ]

    @property
    def warnings(self) -> list:
        return [p for p in self.report.problems if not p.blocking]

    @property
    def remaining_abs(self) -> int:
        return abs(self.report.remaining)


@dataclass
class StoryDraft:
    """The story fields as typed so far (not yet saved)."""

    text: str = ""
    link: str = ""
    hashtags: str = ""

    def hashtag_list(self) -> list[str]:
        return Story(hashtags=self.hashtags).hashtag_list()


def media_with_alt(assets: Iterable[MediaAsset], alt_texts: Mapping[int, str]) -> list[MediaAsset]:
    """The story's images with the alt texts as typed (unsaved), for counting and preview."""
    result = []
    for asset in assets:
        if asset.pk in alt_texts:
            asset.alt_text = alt_texts[asset.pk].strip()
        result.append(asset)
    return result


def build_panels(
    channels: Iterable[Channel],
    draft: StoryDraft,
    media: list[MediaAsset],
    texts: Mapping[int, str],
    edited: set[int],
    active: Mapping[int, Publication] | None = None,
    options: Mapping[int, dict] | None = None,
) -> list[Panel]:
    """One panel per channel: the typed text where edited, else a fresh draft."""
    panels = []
    for channel in channels:
        chosen = dict((options or {}).get(channel.pk) or {})
        is_edited = channel.pk in edited and channel.pk in texts
        fitted = (
            None
            if is_edited
            else fit(
                channel.rules, channel.text_limit, draft.text, draft.link, draft.hashtag_list()
            )
        )
        text = texts[channel.pk] if fitted is None else fitted.text
        panels.append(
            Panel(
                channel=channel,
                text=text,
                edited=is_edited,
                report=report(channel, text, media),
                media=media,
                active=(active or {}).get(channel.pk),
                findings=findings_for(channel, text, media),
                options=chosen,
                option_problems=channel.rules.check_options(chosen, channel.config),
                fitted=fitted,
            )
        )
    return panels


# The fields of a network's choices: ``opt_<channel id>_<name>``. Checkboxes send "1" when on.
OPTION_FIELDS = {
    "tiktok": {
        "privacy_level": "text",
        "allow_comment": "flag",
        "allow_duet": "flag",
        "allow_stitch": "flag",
        "disclose": "flag",
        "brand_organic": "flag",
        "brand_content": "flag",
        "music_confirmed": "flag",
    },
    "youtube": {
        "title": "text",
        "privacy_status": "text",
        "made_for_kids": "yesno",
        "language": "text",
    },
}


def parse_variant_options(data: Mapping[str, str], channels: Iterable[Channel]) -> dict[int, dict]:
    """Each TikTok/YouTube channel's choices from a POST (``opt_<id>_<name>`` fields)."""
    result: dict[int, dict] = {}
    for channel in channels:
        fields = OPTION_FIELDS.get(channel.network)
        if not fields or f"opt_{channel.pk}_present" not in data:
            continue
        chosen: dict = {}
        for name, kind in fields.items():
            raw = str(data.get(f"opt_{channel.pk}_{name}", "")).strip()
            if kind == "flag":
                chosen[name] = raw == "1"
            elif kind == "yesno":
                chosen[name] = {"yes": True, "no": False}.get(raw)
            else:
                chosen[name] = raw
        if channel.network == "tiktok":
            # TikTok's toggles read "allow"; its API wants "disable". Undisclosed: no brand flags.
            for what in ("comment", "duet", "stitch"):
                chosen[f"disable_{what}"] = not chosen[f"allow_{what}"]
            if not chosen["disclose"]:
                chosen["brand_organic"] = chosen["brand_content"] = False
        result[channel.pk] = chosen
    return result


def blocking_reasons(panels: Iterable[Panel]) -> list[str]:
    """Why the posts cannot go out, one line per problem, naming the channel."""
    return [
        _("%(channel)s: %(problem)s") % {"channel": panel.channel.name, "problem": problem.message}
        for panel in panels
        if panel.active is None
        for problem in panel.blocking
    ]


def review_needed(panels: Iterable[Panel], person) -> bool:
    """Must any post not yet on its way be approved first (``rights.needs_approval``)?"""
    from carecast.rights import needs_approval

    return any(needs_approval(person, p.channel) for p in panels if p.active is None)


def compliance_blocks(panels: Iterable[Panel]) -> list[str]:
    """Blocking compliance findings, one line each naming the channel; an override may pass them."""
    return [
        _("%(channel)s: %(problem)s") % {"channel": panel.channel.name, "problem": finding.message}
        for panel in panels
        if panel.active is None
        for finding in panel.compliance_blocks
    ]


def active_publications(story: Story | None) -> dict[int, Publication]:
    """The publication per channel that is already on its way, for a saved story."""
    if story is None or story.pk is None:
        return {}
    publications = Publication.objects.filter(
        variant__story=story, state__in=ACTIVE_STATES
    ).order_by("channel_id", "-created_at")
    result: dict[int, Publication] = {}
    for publication in publications:
        result.setdefault(publication.channel_id, publication)
    return result


def parse_variant_fields(
    data: Mapping[str, str],
) -> tuple[dict[int, str], set[int], dict[int, str]]:
    """``variant_<id>`` texts, ``edited_<id>`` flags and ``alt_<id>`` alt texts from a POST."""
    texts: dict[int, str] = {}
    edited: set[int] = set()
    alts: dict[int, str] = {}
    for key, value in data.items():
        prefix, _sep, raw_id = key.partition("_")
        if not raw_id.isdigit():
            continue
        if prefix == "variant":
            texts[int(raw_id)] = value.replace("\r\n", "\n")
        elif prefix == "edited" and value == "1":
            edited.add(int(raw_id))
        elif prefix == "alt":
            alts[int(raw_id)] = value
    return texts, edited, alts
