"""Attacks on the desk: a reporter who guesses a colleague's draft id, through every admin route.

Each refused attempt answers 403/404 (or a redirect away from the article), never shows the
draft's headline, and leaves every table as it was.
"""

from datetime import timedelta

import pytest
import reversion
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleUpdate, Image, Section, StatusChange, Video
from tests.conftest import article_form_data, make_article, make_image, publish
from tests.security_support import admin_url_patterns, content_type_id, database_snapshot
from tests.test_security_signin import ATTACKED_ROUTES as SIGNIN_ROUTES

pytestmark = pytest.mark.django_db

SECRET = "Quetzal"  # only in the colleague's draft: its headline, and so its slug
# What would give the draft away: its headline and slug (a search for SECRET echoes SECRET).
LEAKS = ("merger talks", "merger-talks")


@pytest.fixture
def colleague_draft(other_reporter):
    draft = make_article(
        headline=f"{SECRET} merger talks collapse",
        authors=[other_reporter.author_profile],
        created_by=other_reporter,
        lead_image=make_image(alt_text="A boardroom"),
    )
    for headline in (f"{SECRET} merger talks", f"{SECRET} merger talks collapse"):
        with reversion.create_revision():
            reversion.set_user(other_reporter)
            draft.headline = headline
            draft.save()
    ArticleUpdate.objects.create(article=draft, kind="update", text="<p>More soon.</p>")
    return draft


def versions_of(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


def admin_article(pk, rest=""):
    return f"/admin/articles/article/{pk}/{rest}"


# Every way to reach one article through the admin: (route, method, request builder).
# A builder gets the draft and returns (url, data).
ATTEMPTS = [
    ("articles_article_change", "get", lambda a: (admin_article(a.pk, "change/"), None)),
    ("articles_article_change", "post", lambda a: (
        admin_article(a.pk, "change/"), article_form_data(a, headline="Hijacked")
    )),
    ("articles_article_change", "post (save as new)", lambda a: (
        admin_article(a.pk, "change/"), article_form_data(a, _saveasnew="1")
    )),
    ("articles_article_change", "post (publish button)", lambda a: (
        admin_article(a.pk, "change/"),
        article_form_data(a, _transition="publish_directly", _transition_note="Breaking"),
    )),
    ("articles_article_delete", "get", lambda a: (admin_article(a.pk, "delete/"), None)),
    ("articles_article_delete", "post", lambda a: (
        admin_article(a.pk, "delete/"), {"post": "yes"}
    )),
    ("articles_article_history", "get", lambda a: (admin_article(a.pk, "history/"), None)),
    ("articles_article_compare", "get", lambda a: (
        admin_article(a.pk, "history/compare/?version_id1={}&version_id2={}".format(
            *[v.pk for v in versions_of(a)]
        )),
        None,
    )),
    ("articles_article_revision", "get", lambda a: (
        admin_article(a.pk, f"history/{versions_of(a)[0].pk}/"), None
    )),
    ("articles_article_revision", "post", lambda a: (
        admin_article(a.pk, f"history/{versions_of(a)[0].pk}/"), article_form_data(a)
    )),
    ("articles_article_recoverlist", "get", lambda a: ("/admin/articles/article/recover/", None)),
    ("articles_article_recover", "get", lambda a: (
        f"/admin/articles/article/recover/{versions_of(a)[0].pk}/", None
    )),
    ("articles_article_recover", "post", lambda a: (
        f"/admin/articles/article/recover/{versions_of(a)[0].pk}/", article_form_data(a)
    )),
    ("articles_article_preview", "get", lambda a: (admin_article(a.pk, "preview/"), None)),
    ("articles_article_preview_link", "get", lambda a: (
        admin_article(a.pk, "preview-link/"), None
    )),
    ("articles_article_revoke_preview_links", "post", lambda a: (
        admin_article(a.pk, "revoke-preview-links/"), {}
    )),
    ("admin/articles/article/<path:object_id>/", "get", lambda a: (admin_article(a.pk), None)),
    ("view_on_site", "get", lambda a: (f"/admin/r/{content_type_id(Article)}/{a.pk}/", None)),
    ("view_on_site", "get (an update of it)", lambda a: (
        f"/admin/r/{content_type_id(ArticleUpdate)}/{a.updates.get().pk}/", None
    )),
    ("articles_article_changelist", "get (search)", lambda a: (
        f"/admin/articles/article/?q={SECRET}", None
    )),
    ("articles_article_changelist", "get (filter by id)", lambda a: (
        f"/admin/articles/article/?id__exact={a.pk}", None
    )),
    *[
        ("articles_article_changelist", f"post ({action})", lambda a, action=action: (
            "/admin/articles/article/", {"action": action, "_selected_action": [a.pk]}
        ))
        for action in ("submit_selected", "publish_selected", "delete_selected")
    ],
    ("articles_article_add", "get (translate)", lambda a: (
        f"/admin/articles/article/add/?translation_of={a.pk}", None
    )),
    ("articles_article_add", "post (translate)", lambda a: (
        "/admin/articles/article/add/",
        article_form_data(a, headline="Translated", slug="translated", translation_of=a.pk, **{
            "bylines-TOTAL_FORMS": 0, "bylines-INITIAL_FORMS": 0,
            "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
        }),
    )),
    *[
        ("autocomplete", f"get ({model}.{field})", lambda a, model=model, field=field: (
            f"/admin/autocomplete/?app_label=articles&model_name={model}&field_name={field}"
            f"&term={SECRET}",
            None,
        ))
        for model, field in [
            ("article", "translation_of"), ("article", "section"), ("article", "desk_editor"),
            ("article", "lead_image"), ("article", "videos"), ("article", "tags"),
            ("byline", "author"), ("video", "poster"), ("author", "user"),
        ]
    ],
    ("articles_statuschange_changelist", "get", lambda a: (
        f"/admin/articles/statuschange/?article__id__exact={a.pk}", None
    )),
]

# Routes that rightly answer 200 with what the reporter may see; the draft is not in it.
ANSWER_WITH_A_LIST = {"articles_article_changelist", "articles_article_add", "autocomplete"}
# Admin routes that take no article and show none, with the reason they need no attempt.
NOT_ABOUT_ONE_ARTICLE = {
    "index", "login", "logout", "password_change", "password_change_done", "jsi18n",
    "app_list", "admin/(?P<url>.*)$",  # the catch-all answers 404
}
# Routes of the other models: attacked in test_reporter_cannot_change_what_is_not_theirs.
OTHER_MODELS = ["image", "section", "author", "video", "statuschange"]


def refused_without_leak(response):
    """403/404, or the admin's redirect away from an object it will not show; no headline."""
    assert response.status_code in (200, 302, 403, 404, 405), response.status_code
    if response.status_code == 302:
        assert "/news/" not in response["Location"]
        assert not any(leak in response["Location"].lower() for leak in LEAKS)
    assert not any(leak in response.content.decode().lower() for leak in LEAKS)


@pytest.mark.parametrize(
    ("route", "method", "build"), ATTEMPTS, ids=[f"{r}-{m}" for r, m, _ in ATTEMPTS]
)
def test_reporter_gets_nothing_of_a_colleagues_draft(
    client, reporter, colleague_draft, route, method, build
):
    url, data = build(colleague_draft)
    before = database_snapshot()
    client.force_login(reporter)

    response = client.get(url) if method.startswith("get") else client.post(url, data)

    refused_without_leak(response)
    if response.status_code == 302:
        refused_without_leak(client.get(response["Location"]))
    if route not in ANSWER_WITH_A_LIST:
        assert response.status_code in (302, 403, 404)
    assert database_snapshot() == before


def test_every_admin_route_is_attacked_or_explained():
    """Fails when a new admin route appears that the attempts above (or, for second factors,
    lockouts and the audit log, those in test_security_signin.py) do not cover."""
    attacked = {route for route, _method, _build in ATTEMPTS}
    model_routes = {
        f"articles_{model}_{view}"
        for model in OTHER_MODELS
        for view in ("changelist", "add", "history", "delete", "change")
    }
    other_models = {f"admin/articles/{model}/<path:object_id>/" for model in OTHER_MODELS}
    known = attacked | NOT_ABOUT_ONE_ARTICLE | model_routes | other_models | SIGNIN_ROUTES
    unknown = set()
    for pattern, name in admin_url_patterns():
        if pattern.startswith(("admin/auth/", "admin/taggit/")):
            continue  # attacked in test_reporter_cannot_touch_logins_or_merge_tags
        if (name or pattern) not in known:
            unknown.add(name or pattern)
    assert not unknown, f"Admin routes without an attack in this module: {sorted(unknown)}"


@pytest.fixture
def scheduled_by_colleague(other_reporter):
    article = make_article(headline=f"{SECRET} embargoed results",
                           authors=[other_reporter.author_profile])
    return publish(article, at=timezone.now() + timedelta(hours=3))


def test_staff_without_change_permission_cannot_preview(
    client, reporter, scheduled_by_colleague, django_user_model
):
    """A colleague's embargoed story stays embargoed for reporters, and for bare staff."""
    bare_staff = django_user_model.objects.create_user("sam", password="x", is_staff=True)
    for user in (reporter, bare_staff):
        client.force_login(user)
        for rest in ("preview/", "preview-link/"):
            response = client.get(admin_article(scheduled_by_colleague.pk, rest))
            assert response.status_code in (403, 404), (user, rest)
            assert SECRET not in response.content.decode()


def test_reporter_previews_own_draft_and_own_article_in_review(client, reporter):
    own = make_article(headline="My own story", authors=[reporter.author_profile])
    client.force_login(reporter)
    assert client.get(admin_article(own.pk, "preview/")).status_code == 200
    client.post("/admin/articles/article/", {"action": "submit_selected",
                                             "_selected_action": [own.pk]})
    own.refresh_from_db()
    assert own.status == "review"
    assert "My own story" in client.get(admin_article(own.pk, "preview/")).content.decode()


@pytest.mark.parametrize("door", [
    "publish_directly button", "publish button", "publish_selected action", "status field",
    "save as new with status", "restore a published revision",
])
def test_reporter_cannot_publish_own_work_through_any_door(client, reporter, editor, door):
    own = make_article(headline="Rita's scoop", authors=[reporter.author_profile])
    if door == "restore a published revision":
        publish(own)
        with reversion.create_revision():
            own.save()  # a revision that holds status "published"
        client.force_login(editor)
        client.post(admin_article(own.pk, "change/"), article_form_data(own) | {
            "_transition": "withdraw", "_transition_note": "x"})
        Article.objects.filter(pk=own.pk).update(status="draft", published_at=None)
    before = database_snapshot()
    client.force_login(reporter)
    form = article_form_data(own)
    attempt = {
        "publish_directly button": (admin_article(own.pk, "change/"), form | {
            "_transition": "publish_directly", "_transition_note": "Breaking"}),
        "publish button": (admin_article(own.pk, "change/"), form | {"_transition": "publish"}),
        "publish_selected action": ("/admin/articles/article/", {
            "action": "publish_selected", "_selected_action": [own.pk]}),
        "status field": (admin_article(own.pk, "change/"), form | {"status": "published"}),
        "save as new with status": (admin_article(own.pk, "change/"), form | {
            "_saveasnew": "1", "status": "published", "slug": "copy"}),
        "restore a published revision": (
            admin_article(own.pk, f"history/{versions_of(own)[0].pk if versions_of(own) else 0}/"),
            form,
        ),
    }[door]
    client.post(*attempt)
    assert not Article.objects.live().exists()
    assert not Article.objects.filter(status="published").exists()
    if door != "status field":  # a plain save of one's own draft is allowed; it bumps version
        assert database_snapshot()["StatusChange"] == before["StatusChange"]


def test_save_as_new_is_refused_even_on_ones_own_article(client, reporter):
    """The desk offers no "save as new": a hand-made POST must not create a copy."""
    own = make_article(headline="Original", authors=[reporter.author_profile])
    client.force_login(reporter)
    before = database_snapshot()
    response = client.post(
        admin_article(own.pk, "change/"), article_form_data(own, _saveasnew="1", slug="copy")
    )
    assert response.status_code in (403, 404)
    assert database_snapshot() == before


def test_bulk_publish_by_an_editor_still_needs_the_checklist(client, editor):
    incomplete = make_article(headline="No picture yet", lead_image=None)
    client.force_login(editor)
    client.post(admin_article(incomplete.pk, "change/"),
                article_form_data(incomplete, _transition="submit"))
    before = database_snapshot()
    response = client.post("/admin/articles/article/", {
        "action": "publish_selected", "_selected_action": [incomplete.pk]}, follow=True)
    assert "Choose a lead image." in response.content.decode()
    assert database_snapshot() == before


def test_bulk_delete_spares_what_a_reporter_may_not_delete(client, reporter, colleague_draft):
    published = publish(make_article(headline="Live story", authors=[reporter.author_profile]))
    in_review = make_article(headline="Own in review", authors=[reporter.author_profile])
    client.force_login(reporter)
    client.post("/admin/articles/article/", {"action": "submit_selected",
                                             "_selected_action": [in_review.pk]})
    before = database_snapshot()
    for article in (published, in_review, colleague_draft):
        client.post("/admin/articles/article/", {
            "action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert database_snapshot() == before


@pytest.mark.parametrize("role", ["reporter", "editor"])
def test_list_editable_section_order_needs_change_permission(client, request, role):
    politics = Section.objects.create(name="Politics", slug="politics", order=1)
    client.force_login(request.getfixturevalue(role))
    before = database_snapshot()
    client.post("/admin/articles/section/", {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000, "form-0-id": politics.pk, "form-0-order": 99,
        "_save": "Save",
    })
    assert database_snapshot() == before


def test_reporter_cannot_change_what_is_not_theirs(client, reporter, other_reporter, editor):
    image = make_image(alt_text="Colleague's picture", uploaded_by=other_reporter)
    video = Video.objects.create(title="Clip", provider="youtube",
                                 url="https://www.youtube.com/watch?v=abcdefghijk")
    section = Section.objects.create(name="Sport", slug="sport")
    author = other_reporter.author_profile
    status_change = StatusChange.objects.create(
        article=make_article(), action="submit", from_status="draft", to_status="review",
        user=editor)
    client.force_login(reporter)
    before = database_snapshot()
    for model, obj, data in [
        ("image", image, {"alt_text": "Defaced", "credit": "x"}),
        ("video", video, {"title": "Defaced", "provider": "youtube", "url": video.url}),
        ("section", section, {"name": "Defaced", "slug": "sport", "order": 0}),
        ("author", author, {"name": "Defaced", "slug": author.slug, "short_code": "oo"}),
        ("statuschange", status_change, {"note": "Defaced"}),
    ]:
        base = f"/admin/articles/{model}/{obj.pk}/"
        for url, payload in [(base + "change/", data), (base + "delete/", {"post": "yes"})]:
            response = client.post(url, payload)
            assert response.status_code in (403, 404), (model, url, response.status_code)
        assert client.post(f"/admin/articles/{model}/add/", data).status_code in (
            200, 403), model  # images: the add form shows again for lack of a file
    assert database_snapshot() == before
    assert Image.objects.get(pk=image.pk).alt_text == "Colleague's picture"


def test_reporter_cannot_touch_logins_or_merge_tags(client, reporter):
    publish(make_article(headline="Tagged story", tags=["Budget", "Taxes"]))
    client.force_login(reporter)
    before = database_snapshot()
    tag_ids = [row["id"] for row in before["Tag"]]
    logins = ["/admin/auth/user/", "/admin/auth/group/", f"/admin/auth/user/{reporter.pk}/change/"]
    for url in logins:
        assert client.get(url).status_code == 403, url
    client.post("/admin/taggit/tag/", {"action": "render_tag_form", "_selected_action": tag_ids})
    response = client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Merged"})
    assert response.status_code == 403
    assert database_snapshot() == before


def test_own_article_routes_do_not_reach_a_colleagues_revisions(
    client, reporter, colleague_draft
):
    """Version ids belong to one article: another article's address does not open them."""
    own = make_article(headline="Own story", authors=[reporter.author_profile])
    with reversion.create_revision():
        own.save()
    theirs = [v.pk for v in versions_of(colleague_draft)]
    client.force_login(reporter)
    before = database_snapshot()
    for url, data in [
        (admin_article(own.pk, f"history/compare/?version_id1={theirs[0]}"
                               f"&version_id2={theirs[1]}"), None),
        (admin_article(own.pk, f"history/compare/?version_id1={versions_of(own)[0].pk}"
                               f"&version_id2={theirs[1]}"), None),
        (admin_article(own.pk, f"history/{theirs[0]}/"), None),
        (admin_article(own.pk, f"history/{theirs[0]}/"), article_form_data(own)),
    ]:
        response = client.get(url) if data is None else client.post(url, data)
        refused_without_leak(response)
        assert response.status_code in (302, 400, 403, 404), url
    assert database_snapshot() == before


def test_own_draft_form_cannot_reach_a_colleagues_updates_or_bylines(
    client, reporter, colleague_draft
):
    own = make_article(headline="Own story", authors=[reporter.author_profile])
    update = colleague_draft.updates.get()
    byline = colleague_draft.bylines.get()
    client.force_login(reporter)
    before = database_snapshot()
    data = article_form_data(own) | {
        "updates-TOTAL_FORMS": 1, "updates-INITIAL_FORMS": 1,
        "updates-0-id": update.pk, "updates-0-article": own.pk, "updates-0-kind": "update",
        "updates-0-created_at_0": "2026-01-01", "updates-0-created_at_1": "10:00:00",
        "updates-0-text": "<p>Defaced</p>",
        "bylines-TOTAL_FORMS": 2, "bylines-INITIAL_FORMS": 2,
        "bylines-1-id": byline.pk, "bylines-1-article": own.pk,
        "bylines-1-author": reporter.author_profile.pk, "bylines-1-position": 1,
    }
    client.post(admin_article(own.pk, "change/"), data)
    assert database_snapshot() == before
