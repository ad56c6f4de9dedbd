"""Date and time inputs read and show the organisation's format (07.12.2026 14:30), not the
browser's; ISO values from scripts and the native picker are read too."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from carecast.core.date_inputs import (
    OrgDateField,
    OrgTimeField,
    as_typed,
    parse_wall_clock,
)


@pytest.mark.parametrize(
    "typed",
    [
        "07.12.2026 14:30",
        "7.12.2026 14:30",
        "07.12.2026, 14:30",
        "07.12.26 14:30",
        "2026-12-07T14:30",
        "2026-12-07 14:30",
        " 07.12.2026   14.30 ",
    ],
)
def test_a_wall_clock_time_is_read_in_every_accepted_form(typed):
    assert parse_wall_clock(typed) == dt.datetime(2026, 12, 7, 14, 30)


@pytest.mark.parametrize(
    "typed", ["12/07/2026 2:30 PM", "31.02.2026 10:00", "morgen", "07.12.2026"]
)
def test_what_is_not_a_date_and_time_is_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as caught:
        parse_wall_clock(typed)
    assert "07.12.2026 14:30" in caught.value.messages[0]


def test_nothing_typed_is_no_time():
    assert parse_wall_clock("  ") is None and parse_wall_clock(None) is None


def test_a_form_shows_again_what_was_typed_in_the_organisation_format():
    assert as_typed("2026-12-07T09:05") == "07.12.2026 09:05"
    assert as_typed("nächsten Montag") == "nächsten Montag"  # never lost


class _Form(forms.Form):
    day = OrgDateField()
    start = OrgTimeField()


@pytest.mark.parametrize("language", ["de", "en"])
def test_date_and_time_fields_use_the_organisation_format_in_both_languages(language):
    with translation.override(language):
        form = _Form({"day": "07.12.2026", "start": "14:30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"day": dt.date(2026, 12, 7), "start": dt.time(14, 30)}
        html = str(_Form(initial={"day": dt.date(2026, 3, 1), "start": dt.time(7, 0)}))
    assert 'value="01.03.2026"' in html and 'value="07:00"' in html
    assert 'type="text"' in html and 'type="date"' not in html and 'type="time"' not in html


def test_the_us_order_is_not_silently_read_as_another_day():
    form = _Form({"day": "12/07/2026", "start": "2:30 PM"})
    assert not form.is_valid()
    assert set(form.errors) == {"day", "start"}


def test_every_date_form_reads_the_organisation_format(org, anna, settings):
    """The campaign, the duty shift and the live consultation take 14.11.2027 18:00."""
    from carecast.analytics.forms import CampaignForm
    from carecast.inbox.forms import ShiftForm
    from carecast.live.forms import SessionForm

    campaign = CampaignForm(
        {"name": "#GameChanger", "starts_on": "01.03.2027", "ends_on": "31.03.2027"}
    )
    assert campaign.is_valid(), campaign.errors
    assert campaign.cleaned_data["ends_on"] == dt.date(2027, 3, 31)

    shift = ShiftForm(
        {"person": anna.pk, "starts_at": "14.11.2027 08:00", "ends_at": "14.11.2027 16:00"},
        organisation=org,
    )
    assert shift.is_valid(), shift.errors
    assert shift.cleaned_data["starts_at"].hour == 8

    session = SessionForm(person=anna)
    html = str(session["starts_at"]) + str(session["ends_at"])
    assert 'type="text"' in html and "datetime-local" in html  # the picker's kind, not the input's
    assert session.fields["starts_at"].to_python("14.11.2027 18:00").day == 14
