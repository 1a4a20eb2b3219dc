"""Times on the public pages: one moment, printed for each zone and language as Django would."""

from datetime import UTC, datetime

from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from articles.dates import iso_datetime, reader_datetime

MOMENT = datetime(2026, 1, 15, 12, 30, 15, 123456, tzinfo=UTC)


def test_the_attribute_form_has_an_offset_with_a_colon_and_no_microseconds():
    with timezone.override("Europe/Berlin"):
        assert iso_datetime(MOMENT) == "2026-01-15T13:30:15+01:00"
    with timezone.override("America/New_York"):
        assert iso_datetime(MOMENT) == "2026-01-15T07:30:15-05:00"


def test_readers_see_what_the_date_filter_prints_in_their_zone_and_language():
    seen = set()
    for zone in ("Europe/Berlin", "America/New_York", "UTC"):
        for language in ("en", "de"):
            with timezone.override(zone), translation.override(language):
                for _ in range(2):  # the second time from memory
                    expected = date_filter(timezone.localtime(MOMENT), "DATETIME_FORMAT")
                    assert reader_datetime(MOMENT) == expected
                seen.add(reader_datetime(MOMENT))
    assert len(seen) == 6  # one moment, three zones, two languages
    with timezone.override("Europe/Berlin"), translation.override("de"):
        assert reader_datetime(MOMENT) == "15. Januar 2026 13:30"

