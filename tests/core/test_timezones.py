import datetime as dt

import pytest

from carecast.core.timezones import resolve_local

BERLIN = "Europe/Berlin"


def test_it_resolves_an_ordinary_time():
    r = resolve_local(dt.datetime(2026, 11, 24, 9, 0), BERLIN)
    assert r.instant == dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    assert r.note == ""


def test_it_moves_a_time_in_the_spring_gap_forward_and_says_so():
    # 29 March 2026, 02:30 does not exist in Berlin: it becomes 03:30 CEST (01:30 UTC).
    r = resolve_local(dt.datetime(2026, 3, 29, 2, 30), BERLIN)
    assert r.instant == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert r.note == "nonexistent"


def test_it_takes_the_first_of_the_two_autumn_times_and_says_so():
    # 25 October 2026, 02:30 happens twice; the first (CEST, 00:30 UTC) wins.
    r = resolve_local(dt.datetime(2026, 10, 25, 2, 30), BERLIN)
    assert r.instant == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    assert r.note == "ambiguous"


def test_it_refuses_an_aware_time():
    with pytest.raises(ValueError):
        resolve_local(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), BERLIN)


def test_it_shows_german_to_an_english_browser_until_english_is_chosen(client, anna):
    client.force_login(anna.user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "de"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "en"
