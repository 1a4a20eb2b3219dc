"""Times as the public pages print them: in the reader's time zone, in the page's language.

Django's date formatting interprets its format string on every call (about 40 µs), and a
list page prints 25 publication times twice each, in a machine-readable attribute and for
readers. The attribute needs no format string at all; a reader's time is the same for the
same moment, time zone and language, so each is worked out once per process.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import get_language


def iso_datetime(value):
    """"2026-01-15T13:30:00+01:00": for <time datetime>, which allows no microseconds."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def reader_datetime(value):
    """The page language's DATETIME_FORMAT, as {{ value|date:"DATETIME_FORMAT" }} prints it."""
    local = timezone.localtime(value)
    # The zone's name too: aware datetimes of one moment are equal whatever their zone.
    return _formatted(local, str(local.tzinfo), get_language())


@lru_cache(maxsize=10_000)  # ~25 a list page; a few MB at most
def _formatted(local, _zone, _language):
    return formats.date_format(local, "DATETIME_FORMAT")


@receiver(setting_changed)
def forget_formats(setting, **kwargs):
    """Tests that change a format setting see times printed their way."""
    if "FORMAT" in setting or setting in {"USE_TZ", "LANGUAGE_CODE", "LANGUAGES"}:
        _formatted.cache_clear()
