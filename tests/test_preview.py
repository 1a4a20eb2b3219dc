"""Previews of unpublished articles: for staff in the admin, and signed links for outsiders."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client

from articles import preview
from tests.conftest import make_article


@pytest.fixture
def draft(db):
    return make_article(headline="Embargoed merger story")


def test_staff_preview_shows_a_draft_marked_noindex_and_uncached(client, editor, draft):
    client.force_login(editor)
    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert response.status_code == 200
    assert "Embargoed merger story" in response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_reporter_cannot_preview_a_colleagues_draft(client, reporter, draft):
    client.force_login(reporter)
    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert response.status_code == 404
    assert "Embargoed merger story" not in response.content.decode()


def test_anonymous_preview_in_admin_goes_to_login(client, draft):
    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_preview_link_page_hands_out_a_working_link(client, editor, draft):
    client.force_login(editor)
    response = client.get(f"/admin/articles/article/{draft.pk}/preview-link/")
    link = response.context["preview_link"]
    assert link.startswith("http://testserver/preview/")

    outsider = Client()
    shown = outsider.get(link.removeprefix("http://testserver"))
    assert shown.status_code == 200
    assert "Embargoed merger story" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert shown["X-Robots-Tag"] == "noindex, nofollow"


def test_expired_link_answers_404(client, draft, settings, monkeypatch):
    url = preview.preview_url(draft)
    real_time = signing.time.time
    monkeypatch.setattr(
        signing.time, "time", lambda: real_time() + settings.PREVIEW_LINK_MAX_AGE + 60
    )
    response = client.get(url)
    assert response.status_code == 404
    assert "Embargoed merger story" not in response.content.decode()


def test_link_is_valid_until_48_hours(client, draft, monkeypatch):
    url = preview.preview_url(draft)
    real_time = signing.time.time
    monkeypatch.setattr(
        signing.time, "time", lambda: real_time() + timedelta(hours=47).total_seconds()
    )
    assert client.get(url).status_code == 200


def test_tampered_link_answers_404(client, draft):
    other = make_article(headline="Another secret draft", slug="another")
    token = preview.make_token(draft)
    _value, timestamp, signature = token.rsplit(":", 2)
    forged_value = signing.b64_encode(
        signing.JSONSerializer().dumps({"id": other.pk, "secret": other.preview_secret})
    ).decode()
    for forged in (f"{forged_value}:{timestamp}:{signature}", token[:-2] + "xx", "garbage"):
        response = client.get(f"/preview/{forged}/")
        assert response.status_code == 404
        assert "secret draft" not in response.content.decode()


def test_revoked_link_answers_404(client, editor, draft):
    url = preview.preview_url(draft)
    assert client.get(url).status_code == 200

    staff = Client()
    staff.force_login(editor)
    response = staff.post(f"/admin/articles/article/{draft.pk}/revoke-preview-links/")
    assert response.status_code == 302

    assert client.get(url).status_code == 404
    draft.refresh_from_db()
    assert client.get(preview.preview_url(draft)).status_code == 200  # a new link works


def test_revoking_needs_post(client, editor, draft):
    client.force_login(editor)
    url = preview.preview_url(draft)
    revoke_url = f"/admin/articles/article/{draft.pk}/revoke-preview-links/"
    assert client.get(revoke_url).status_code == 405
    assert Client().get(url).status_code == 200


def test_withdrawing_revokes_preview_links(client, chief, draft):
    from tests.conftest import publish

    publish(draft)
    url = preview.preview_url(draft)
    assert client.get(url).status_code == 200
    from articles import workflow

    workflow.transition(draft, "withdraw", chief, "Legal takedown")
    response = client.get(url)
    assert response.status_code == 404
    assert "Embargoed merger story" not in response.content.decode()
