"""An automatically shortened post says so, and says what it left out (issue 16: the Bluesky
version cut "Danke an…" and dropped two of three hashtags with only "noch 4 Zeichen")."""

from __future__ import annotations

from carecast.networks.bluesky.rules import Bluesky
from carecast.stories.fitting import fit
from tests.web.test_composer import _form

TEXT = (
    "Unsere neue Stroke Unit ist eröffnet: rund um die Uhr behandeln Neurologinnen, "
    "Radiologen und Pflegekräfte Menschen mit Schlaganfall ohne Umwege. Jede Minute zählt, "
    "darum sind CT, Labor und Katheterlabor direkt nebeneinander. Danke an alle, die "
    "monatelang geplant, gebaut und geübt haben, und an die Förderer aus der Region."
)
TAGS = "Schlaganfall, StrokeUnit, Klinikum"


def test_it_says_what_the_automatic_version_left_out(anna_client, bluesky, mastodon):
    response = anna_client.post(
        "/compose/live/variants/", _form([bluesky, mastodon], text=TEXT, hashtags=TAGS)
    )
    body = response.content.decode()
    panels = {p.channel.pk: p for p in response.context["panels"]}
    shortened = panels[bluesky.pk].fitted
    assert shortened.shortened and shortened.removed_tags == ("#StrokeUnit", "#Klinikum")
    assert TEXT.endswith(shortened.removed_text)
    assert "Für Bluesky automatisch gekürzt." in body
    assert f"Am Ende weggelassen: „{shortened.removed_text[:40]}" in body
    assert "Weggelassene Hashtags: #StrokeUnit #Klinikum." in body
    assert not panels[mastodon.pk].fitted.shortened  # 500 characters: nothing left out
    assert body.count("automatisch gekürzt") == 1


def test_it_reports_nothing_when_the_post_fits():
    result = fit(Bluesky(), 300, "Kurz und gut.", "", ["#Klinikum"])
    assert result.text == "Kurz und gut.\n\n#Klinikum" and not result.shortened
