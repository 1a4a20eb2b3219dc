"""Addresses of the public pages, each worked out once per process.

Django's reverse() works each address out anew: about 37 µs (7 µs here), and a cold article
page asked for some 30 addresses, a list page of 25 cards for over 60 (the same section,
author and feed addresses again and again). An address depends only on the view, its
arguments, the URLconf and the script prefix, so it is kept per such combination.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


def public_url(viewname, **kwargs):
    """reverse(viewname, kwargs=kwargs), remembered."""
    # Not the language: the public URL patterns are the same in every language.
    return _reverse((viewname, tuple(kwargs.items()), get_urlconf(), get_script_prefix()))


@lru_cache(maxsize=20_000)  # an address is ~100 bytes: a few MB at most
def _reverse(key):
    viewname, kwargs, urlconf, _prefix = key
    return reverse(viewname, kwargs=dict(kwargs), urlconf=urlconf)


@receiver(setting_changed)
def forget_addresses(setting, **kwargs):
    """Tests that swap the URLconf or the script name get addresses of their own."""
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _reverse.cache_clear()
