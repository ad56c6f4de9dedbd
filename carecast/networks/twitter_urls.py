"""URLs found the twitter-text way, in time linear in the text.

twitter-text-parser's own URL regex backtracks badly on crafted input (see
``textcount``); this finder gives the same results (checked against extract.yml and
the library itself in tests/networks/test_conformance_x.py) and uses the library's
data: TLD lists, character classes, ``is_valid_url``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Any

# -- URLs the twitter-text way ----------------------------------------------------------------


@dataclass(frozen=True)
class _UrlSyntax:
    """twitter-text's URL grammar, compiled once from the library's own fragments."""

    domain_run: re.Pattern[str]  # domain characters and . - _
    domain_char: re.Pattern[str]
    before: re.Pattern[str]  # what may precede a URL
    protocol: re.Pattern[str]
    port: re.Pattern[str]
    path_run: re.Pattern[str]
    path_end: re.Pattern[str]
    query_run: re.Pattern[str]
    query_end: re.Pattern[str]
    ascii_label: re.Pattern[str]
    tld_boundary: re.Pattern[str]
    punycode_tail: re.Pattern[str]
    tlds: tuple[dict[str, int], ...]  # gTLDs, then ccTLDs: name -> length
    tld_lengths: tuple[int, ...]  # longest first
    tld_fold: dict[int, str]  # what re.IGNORECASE equates with a TLD character (K, ſ, İ, ...)


@cache
def _syntax() -> _UrlSyntax:
    """Loaded on first use: importing twitter_text builds its emoji regex (0.4 s)."""
    from twitter_text.regexp.cyrillic_letters_and_marks import cyrillic_letters_and_marks
    from twitter_text.regexp.invalid_chars_group import invalid_chars_group
    from twitter_text.regexp.invalid_domain_chars import invalid_domain_chars
    from twitter_text.regexp.latin_accent_chars import latin_accent_chars
    from twitter_text.regexp.valid_cctld import valid_cctld
    from twitter_text.regexp.valid_general_url_path_chars import valid_general_url_path_chars
    from twitter_text.regexp.valid_gtld import valid_gtld
    from twitter_text.regexp.valid_url_query_chars import valid_url_query_chars
    from twitter_text.regexp.valid_url_query_ending_chars import valid_url_query_ending_chars

    invalid, latin = invalid_domain_chars.pattern, latin_accent_chars.pattern
    cyrillic = cyrillic_letters_and_marks.pattern
    lists = [_alternatives(valid_gtld.pattern), _alternatives(valid_cctld.pattern)]
    i = re.IGNORECASE  # extract_url is compiled case-insensitive as a whole
    return _UrlSyntax(
        domain_run=re.compile(rf"(?:[^{invalid}]|[._\-])+"),
        domain_char=re.compile(rf"[^{invalid}]"),
        before=re.compile(rf"[^A-Za-z0-9@＠$#＃{invalid_chars_group}]", i),
        protocol=re.compile(r"https?://", i),
        port=re.compile(r":[0-9]+"),
        path_run=re.compile(valid_general_url_path_chars.pattern + "+", i),
        path_end=re.compile(rf"[\+\-a-z{cyrillic}0-9=_#\/{latin}]", i),
        query_run=re.compile(valid_url_query_chars.pattern + "*", i),
        query_end=re.compile(valid_url_query_ending_chars.pattern, i),
        ascii_label=re.compile(rf"[\-a-z0-9{latin}]+", i),
        tld_boundary=re.compile(r"[^0-9a-zA-Z@+\-]", i),
        punycode_tail=re.compile(r"[\-0-9a-z]+", i),
        tlds=tuple({name: len(name) for name in names} for names in lists),
        tld_lengths=tuple(sorted({len(n) for names in lists for n in names}, reverse=True)),
        tld_fold=_case_fold({c for names in lists for name in names for c in name + "xn-"}),
    )


def _case_fold(letters: set[str]) -> dict[int, str]:
    """Every other character that ``re.IGNORECASE`` matches to one of ``letters`` (lower case),
    found by asking ``re`` itself: str.lower() misses ſ=s, İ=i, ϵ=ε and more (27 ms, once)."""
    any_letter = re.compile("[" + "".join(map(re.escape, letters)) + "]", re.IGNORECASE)
    fold = {}
    for match in any_letter.finditer("".join(map(chr, range(0x20000)))):
        other = match.group()
        if other in letters:
            continue
        for letter in (other.lower(), *sorted(letters)):
            if letter in letters and re.fullmatch(re.escape(letter), other, re.IGNORECASE):
                fold[ord(other)] = letter
                break
    return fold


def _alternatives(pattern: str) -> list[str]:
    """The TLD names out of twitter-text's ``(?:(?:a|b|...)(?=...))``."""
    return pattern[len("(?:(?:") : pattern.index(")(?=")].split("|")


def extract_urls(text: str, without_protocol: bool = True) -> list[dict[str, Any]]:
    """URLs in ``text`` with code point indices, as twitter-text's ``extractUrlsWithIndices``.

    Linear in the length of ``text``. ``without_protocol=False`` finds only http(s) URLs.
    """
    if "." not in text or (not without_protocol and ":" not in text):
        return []
    return _UrlFinder(text, _syntax()).extract(without_protocol)


@dataclass(frozen=True)
class _Match:
    start: int
    domain_start: int
    domain_end: int
    end: int
    has_path: bool


class _UrlFinder:
    """One left-to-right pass that finds what twitter-text's URL regex finds, without its
    backtracking: each domain is looked up in a precomputed table of dotted runs."""

    def __init__(self, text: str, syntax: _UrlSyntax) -> None:
        self.text, self.syntax = text, syntax
        self.runs = [
            _DomainRun(text, m.start(), m.end(), syntax)
            for m in syntax.domain_run.finditer(text)
            if "." in m.group()
        ]
        self.run_starts = [run.start for run in self.runs]

    def extract(self, without_protocol: bool) -> list[dict[str, Any]]:
        urls: list[dict[str, Any]] = []
        searched_to = 0  # like re.finditer: the next match begins (with its "before") here
        for start in self._starts():
            if (start == 0 and searched_to > 0) or (start > 0 and start - 1 < searched_to):
                continue
            match = self._match_at(start)
            if match is not None:
                searched_to = match.end
                urls.extend(self._accept(match, without_protocol))
        return urls

    def _starts(self) -> list[int]:
        """Where a URL may begin, in the order the regex tries them (at 0, "^" comes second)."""
        text, syntax = self.text, self.syntax
        starts = {m.start() for m in syntax.protocol.finditer(text)}
        for run in self.runs:
            if run.has_tld:
                starts.update(q for q in range(run.start, run.end) if run.is_domain_char(q))
        ordered = sorted(starts, key=lambda q: (q - 1, 0) if q else (0, 1))
        return [q for q in ordered if q == 0 or syntax.before.match(text, q - 1)]

    def _match_at(self, start: int) -> _Match | None:
        protocol = self.syntax.protocol.match(self.text, start)
        for domain_start in ([protocol.end()] if protocol else []) + [start]:
            domain_end = self._domain_end(domain_start)
            if domain_end is not None:
                end, has_path = self._tail_end(domain_end)
                return _Match(start, domain_start, domain_end, end, has_path)
        return None

    def _domain_end(self, start: int) -> int | None:
        index = bisect_right(self.run_starts, start) - 1
        if index < 0 or start >= self.runs[index].end:
            return None
        return self.runs[index].domain_end(start)

    def _tail_end(self, index: int) -> tuple[int, bool]:
        """Port, path and query after a domain: where the URL ends, and whether it has a path."""
        text = self.text
        port = self.syntax.port.match(text, index)
        index = port.end() if port else index
        has_path = text.startswith("/", index)
        if has_path:
            index = _path_end(text, index + 1, self.syntax)
        if text.startswith("?", index):
            index = _query_end(text, index, self.syntax)
        return index, has_path

    def _accept(self, match: _Match, without_protocol: bool) -> list[dict[str, Any]]:
        """twitter-text's checks on a regex match (IDN length, t.co slugs, bare domains)."""
        from twitter_text.extract_urls import is_valid_url
        from twitter_text.regexp.valid_tco_url import valid_tco_url

        text, start = self.text, match.start
        url, domain = text[start : match.end], text[match.domain_start : match.domain_end]
        protocol = text[start : match.domain_start]
        if not is_valid_url(url, protocol or "https://", domain):
            return []
        if protocol:
            tco = valid_tco_url.search(url)
            if tco and tco.group(1) and len(tco.group(1)) > 40:
                return []
            url = tco.group(0) if tco else url
            return [{"url": url, "indices": [start, start + len(url)]}]
        if not without_protocol or (start > 0 and text[start - 1] in "-_./"):
            return []
        found: list[dict[str, Any]] = [
            {"url": domain[a:b], "indices": [start + a, start + b]}
            for a, b in _ascii_domains(domain, self.syntax)
        ]
        if found and match.has_path:
            found[-1]["url"] = url.replace(domain, found[-1]["url"])
            found[-1]["indices"][1] = match.end
        return found


class _DomainRun:
    """A run of domain characters with at least one dot, split into dot-terminated labels.

    ``best[i]`` is where the longest domain starting with label ``i`` ends (or None), filled
    from the right: the regex's greedy subdomains, without trying each start again.
    """

    def __init__(self, text: str, start: int, end: int, syntax: _UrlSyntax) -> None:
        self.text, self.syntax, self.start, self.end = text, syntax, start, end
        self.label_starts, self.label_ends = [start], []
        for label in text[start:end].split(".")[:-1]:
            self.label_ends.append(self.label_starts[-1] + len(label))
            self.label_starts.append(self.label_ends[-1] + 1)
        self.label_ends.append(end)
        dots = self.label_ends[:-1]
        self.tld_ends = [_tld_end(text, dot + 1, syntax) for dot in dots]
        self.underscores = [
            text.rfind("_", a, b) for a, b in zip(self.label_starts, dots, strict=False)
        ]
        self.has_tld = any(tld is not None for tld in self.tld_ends)
        self.best: list[int | None] = [None] * len(self.label_starts)
        if self.has_tld:
            for i in reversed(range(len(dots))):
                self.best[i] = self._from(self.label_starts[i], i)

    def is_domain_char(self, index: int) -> bool:
        return bool(self.syntax.domain_char.match(self.text, index))

    def domain_end(self, start: int) -> int | None:
        return self._from(start, bisect_right(self.label_starts, start) - 1)

    def _from(self, start: int, i: int) -> int | None:
        """Subdomain labels may hold "_", the label before the TLD may not; both start and end
        with a domain character."""
        end = self.label_ends[i]
        if i >= len(self.tld_ends) or start >= end:
            return None
        if not (self.is_domain_char(start) and self.is_domain_char(end - 1)):
            return None
        if self.best[i + 1] is not None:
            return self.best[i + 1]
        return self.tld_ends[i] if self.underscores[i] < start else None


def _tld_end(text: str, index: int, syntax: _UrlSyntax) -> int | None:
    """End of the TLD at ``index``: gTLDs before ccTLDs, longest first, then punycode."""
    word = text[index : index + syntax.tld_lengths[0]].split(".")[0].translate(syntax.tld_fold)
    for names in syntax.tlds:
        for length in syntax.tld_lengths:
            if length > len(word) or names.get(word[:length]) != length:
                continue
            end = index + length
            if end == len(text) or syntax.tld_boundary.match(text, end):
                return end
    if word.startswith("xn--"):
        tail = syntax.punycode_tail.match(text, index + 4)
        return tail.end() if tail else None
    return None


def _ascii_domains(domain: str, syntax: _UrlSyntax) -> list[tuple[int, int]]:
    """The ASCII (and Latin-accented) domains inside a URL found without protocol."""
    labels = list(syntax.ascii_label.finditer(domain))
    best: list[int | None] = [None] * len(labels)
    for r in reversed(range(len(labels))):
        end = labels[r].end()
        if not domain.startswith(".", end):
            continue
        chained = r + 1 < len(labels) and labels[r + 1].start() == end + 1
        if chained and best[r + 1] is not None:
            best[r] = best[r + 1]  # greedy: the longest chain of labels that ends in a TLD
        else:
            best[r] = _tld_end(domain, end + 1, syntax)
    found: list[tuple[int, int]] = []
    searched_to = 0
    for label, domain_end in zip(labels, best, strict=True):
        if domain_end is not None and label.end() > searched_to:
            found.append((max(label.start(), searched_to), domain_end))
            searched_to = domain_end
    return found


def _path_end(text: str, index: int, syntax: _UrlSyntax) -> int:
    """twitter-text's path: units that end in a path-ending character (balanced parentheses
    may sit inside one), or balanced parentheses alone."""
    stream_end, last = index, -1
    while stream_end < len(text):
        run = syntax.path_run.match(text, stream_end)
        if run:
            last = max(last, _last_of(syntax.path_end, text, run.start(), run.end()))
            stream_end = run.end()
        elif text[stream_end] == "(" and (group := _balanced_end(text, stream_end, syntax)):
            stream_end = group
        else:
            break
    end = last + 1 if last >= 0 else index
    while text.startswith("(", end) and (group := _balanced_end(text, end, syntax)):
        end = group
    return end


def _balanced_end(text: str, index: int, syntax: _UrlSyntax) -> int | None:
    """``(chars)`` or ``(chars(chars)chars)``: one level of nesting, as twitter-text allows."""
    run = syntax.path_run.match(text, index + 1)
    after = run.end() if run else index + 1
    if run and text.startswith(")", after):
        return after + 1
    if not text.startswith("(", after):
        return None
    inner = syntax.path_run.match(text, after + 1)
    if not inner or not text.startswith(")", inner.end()):
        return None
    tail = syntax.path_run.match(text, inner.end() + 1)
    close = tail.end() if tail else inner.end() + 1
    return close + 1 if text.startswith(")", close) else None


def _query_end(text: str, index: int, syntax: _UrlSyntax) -> int:
    """``?`` and query characters up to the last query-ending one; no such character, no query."""
    run_end = syntax.query_run.match(text, index + 1).end()  # type: ignore[union-attr]
    last = _last_of(syntax.query_end, text, index + 1, run_end)
    return last + 1 if last >= 0 else index


def _last_of(pattern: re.Pattern[str], text: str, start: int, stop: int) -> int:
    """Index of the last character in ``text[start:stop]`` that ``pattern`` matches, or -1."""
    for index in range(stop - 1, start - 1, -1):
        if pattern.match(text, index):
            return index
    return -1


# -- Mastodon ---------------------------------------------------------------------------------

# Account::MENTION_RE; a mention followed by @, a Latin accent or :// is none (twitter-text).
