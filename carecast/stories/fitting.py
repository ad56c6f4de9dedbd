"""Fitting one story to one channel: the first draft of each post.

The story's text, link and hashtags are joined the way each network reads best;
when the result is too long the text is shortened at a word boundary, never the
link or the hashtags (they carry the clicks and the reach).
"""

from __future__ import annotations

from dataclasses import dataclass

from carecast.networks.base import Network

ELLIPSIS = "…"


def compose_text(text: str, link: str, hashtags: list[str]) -> str:
    parts = [text.strip()]
    if link:
        parts.append(link.strip())
    if hashtags:
        parts.append(" ".join(hashtags))
    return "\n\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Fit:
    """The fitted post and what was left out of it, so the composer can say so."""

    text: str
    removed_text: str = ""  # the words cut from the end of the story's text
    removed_tags: tuple[str, ...] = ()

    @property
    def shortened(self) -> bool:
        return bool(self.removed_text or self.removed_tags)


def fit(
    rules: Network, limit: int, text: str, link: str = "", hashtags: list[str] | None = None
) -> Fit:
    """The longest version of the post that fits ``limit`` as ``rules`` counts it."""
    tags = list(hashtags or [])
    full = compose_text(text, link, tags)
    if rules.count_text(full) <= limit:
        return Fit(full)
    # Drop hashtags from the end before cutting into the text itself.
    while tags and rules.count_text(compose_text(text, link, tags)) > limit:
        tags.pop()
        if len(tags) <= 1:
            break
    dropped = tuple(list(hashtags or [])[len(tags) :])
    words = text.split(" ")
    removed: list[str] = []
    while words:
        candidate = compose_text(" ".join(words).rstrip(" ,;:.-") + ELLIPSIS, link, tags)
        if rules.count_text(candidate) <= limit:
            return Fit(candidate, " ".join(reversed(removed)).strip(), dropped)
        removed.append(words.pop())
    return Fit(compose_text("", link, tags), text.strip(), dropped)


def fit_text(
    rules: Network, limit: int, text: str, link: str = "", hashtags: list[str] | None = None
) -> str:
    """The longest version of the post that fits ``limit`` as ``rules`` counts it."""
    return fit(rules, limit, text, link, hashtags).text
