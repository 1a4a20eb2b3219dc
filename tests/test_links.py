"""Public addresses are remembered per process, but never across script names or URLconfs."""

from django.test import override_settings
from django.urls import clear_script_prefix, include, path, reverse, set_script_prefix

from articles.links import public_url


def test_a_remembered_address_is_the_one_reverse_gives():
    for _ in range(2):
        assert public_url("articles:detail", slug="harbour", pk=7) == reverse(
            "articles:detail", kwargs={"slug": "harbour", "pk": 7}
        )
    assert public_url("articles:detail", slug="harbour", pk=8) == "/news/harbour-8.html"


def test_a_site_under_a_script_name_gets_its_own_addresses():
    assert public_url("articles:section", slug="politics") == "/section/politics/"
    set_script_prefix("/zeitung/")
    try:
        assert public_url("articles:section", slug="politics") == "/zeitung/section/politics/"
    finally:
        clear_script_prefix()
    assert public_url("articles:section", slug="politics") == "/section/politics/"


urlpatterns = [
    path("elsewhere/", include(([path("<slug:slug>/", lambda request, slug: None, name="section")],
                                "articles"))),
]


def test_another_urlconf_is_not_answered_from_the_first():
    assert public_url("articles:section", slug="sport") == "/section/sport/"
    with override_settings(ROOT_URLCONF=__name__):
        assert public_url("articles:section", slug="sport") == "/elsewhere/sport/"
    assert public_url("articles:section", slug="sport") == "/section/sport/"
