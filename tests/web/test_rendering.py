"""Template helpers: post text as the networks show it, and the catalog being complete."""

from __future__ import annotations

import re
from pathlib import Path

from carecast.web.templatetags.desk import post_text


def test_post_text_marks_links_tags_and_mentions_and_escapes_the_rest():
    html = post_text(
        "Neu: <MRT> & mehr #Radiologie @klinikum@mastodon.social\nhttps://klinikum.example/aktuelles/ein-sehr-langer-pfad?x=1."
    )
    assert "&lt;MRT&gt; &amp; mehr" in html
    assert '<span class="post-tag">#Radiologie</span>' in html
    assert '<span class="post-mention">@klinikum@mastodon.social</span>' in html
    assert (
        '<br><a class="post-link" href="https://klinikum.example/aktuelles/ein-sehr-langer-pfad?x=1"'
        in html
    )
    assert ">klinikum.example/aktuelles/ein…</a>." in html


def test_post_text_leaves_anchors_in_urls_alone():
    html = post_text("https://klinikum.example/seite#abschnitt")
    assert "post-tag" not in html


def test_every_german_string_is_translated():
    po = (
        Path(__file__).resolve().parents[2] / "carecast/locale/de/LC_MESSAGES/django.po"
    ).read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', e, re.M)]
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in po
