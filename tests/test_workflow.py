"""The editorial workflow: who may take which transition, notes, the checklist, scheduling."""

from datetime import timedelta
from itertools import product

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.messages import get_messages
from django.utils import formats, timezone

from articles import workflow
from articles.models import Article, Image, StatusChange
from tests.conftest import article_form_data, change_url, make_article, make_image

pytestmark = pytest.mark.django_db


ROLES = [
    "anonymous",
    "reporter_in_byline",
    "reporter_who_created",
    "reporter_of_colleague",
    "editor",
    "chief",
    "superuser",
]
EDITOR_ACTIONS = {
    "submit", "request_changes", "publish", "publish_directly", "reopen", "unschedule",
}
ALLOWED = {
    "anonymous": set(),
    "reporter_in_byline": {"submit"},
    # Reporters edit only what they sign: starting an article is not enough.
    "reporter_who_created": set(),
    "reporter_of_colleague": set(),
    "editor": EDITOR_ACTIONS,
    "chief": EDITOR_ACTIONS | {"withdraw"},
    "superuser": EDITOR_ACTIONS | {"withdraw"},
}
# Which statuses each role may edit in the admin form (a save without a status change).
EVERY_STATE = {"draft", "review", "scheduled", "published", "withdrawn"}
EDITABLE_STATUSES = {
    "anonymous": set(),
    "reporter_in_byline": {"draft"},
    "reporter_who_created": set(),
    "reporter_of_colleague": set(),
    "editor": EVERY_STATE,
    "chief": EVERY_STATE,
    "superuser": EVERY_STATE,
}
# A colleague's unpublished work does not even exist for a reporter.
UNSEEN_BY = {"reporter_who_created", "reporter_of_colleague"}
# "scheduled" is a published article whose time has not come.
STATUSES = ["draft", "review", "scheduled", "published", "withdrawn"]
# The shortest way from a new draft to each status.
PATH_TO = {
    "draft": [],
    "review": ["submit"],
    "scheduled": ["submit", "publish"],
    "published": ["submit", "publish"],
    "withdrawn": ["submit", "publish", "withdraw"],
}
NOTE = "Reason given by the desk"


def test_matrix_covers_every_transition():
    assert set(workflow.TRANSITIONS) == {
        "submit", "request_changes", "publish", "publish_directly", "withdraw", "reopen",
        "unschedule",
    }
    sources = {action: rule.source for action, rule in workflow.TRANSITIONS.items()}
    assert sources == {
        "submit": "draft",
        "request_changes": "review",
        "publish": "review",
        "publish_directly": "draft",
        "withdraw": "published",
        "reopen": "withdrawn",
        "unschedule": "published",
    }
    assert [a for a, rule in workflow.TRANSITIONS.items() if rule.only_scheduled] == [
        "unschedule"
    ]


def start_state(rule):
    """Where an article must stand for `rule` to apply."""
    return "scheduled" if rule.only_scheduled else rule.source


def applies_in(rule, state):
    """A scheduled article is published, so what applies to published ones applies too."""
    if state == "scheduled":
        return rule.source == "published"
    return rule.source == state and not rule.only_scheduled


def matrix_cases(allowed):
    return [
        pytest.param(role, action, id=f"{role}-{action}")
        for role, action in product(ROLES, workflow.TRANSITIONS)
        if (action in ALLOWED[role]) is allowed
    ]


def setup_user():
    """A superuser that only moves articles into the state a test starts from."""
    return User.objects.get_or_create(
        username="desk-setup", defaults={"is_superuser": True, "is_staff": True}
    )[0]


def bring_to(article, status):
    for action in PATH_TO[status]:
        tomorrow = timezone.now() + timedelta(days=1)
        publish_at = tomorrow if status == "scheduled" and action == "publish" else None
        workflow.transition(
            article, action, setup_user(), note="Setting the scene", publish_at=publish_at
        )
    article.refresh_from_db()
    return article


def user_for(role, request):
    if role == "anonymous":
        return AnonymousUser()
    if role.startswith("reporter"):
        return request.getfixturevalue("reporter")
    return request.getfixturevalue(role)


def article_for(role, request, status):
    """A checklist-complete article in `status`, owned as the role's name says."""
    if role == "reporter_in_byline":
        article = make_article(authors=[request.getfixturevalue("reporter").author_profile])
    elif role == "reporter_who_created":
        article = make_article(created_by=request.getfixturevalue("reporter"))
    elif role == "reporter_of_colleague":
        colleague = request.getfixturevalue("other_reporter")
        article = make_article(authors=[colleague.author_profile], created_by=colleague)
    else:
        article = make_article()
    return bring_to(article, status)


def snapshot(article):
    """What a refused transition must leave untouched."""
    article = Article.objects.get(pk=article.pk)
    return (
        article.status,
        article.published_at,
        article.first_published_at,
        list(StatusChange.objects.filter(article=article).values_list("pk", flat=True)),
    )


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# (a) The workflow's door itself.


@pytest.mark.parametrize(("role", "action"), matrix_cases(allowed=True))
def test_role_may_take_transition(request, role, action):
    rule = workflow.TRANSITIONS[action]
    user = user_for(role, request)
    article = article_for(role, request, start_state(rule))

    workflow.transition(article, action, user, NOTE)

    article.refresh_from_db()
    assert article.status == rule.target
    entry = StatusChange.objects.filter(article=article).order_by("-id").first()
    assert (entry.action, entry.user, entry.from_status, entry.to_status, entry.note) == (
        action, user, rule.source, rule.target, NOTE,
    )


@pytest.mark.parametrize(("role", "action"), matrix_cases(allowed=False))
def test_role_is_refused_transition(request, role, action):
    rule = workflow.TRANSITIONS[action]
    user = user_for(role, request)
    article = article_for(role, request, start_state(rule))
    before = snapshot(article)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(article, action, user, NOTE)

    assert refused.value.messages == [f"You are not allowed to “{rule.label}” this article."]
    assert snapshot(article) == before


def test_reporter_cannot_publish(reporter):
    article = bring_to(make_article(authors=[reporter.author_profile]), "review")
    with pytest.raises(workflow.WorkflowError):
        workflow.transition(article, "publish", reporter)
    assert Article.objects.get(pk=article.pk).status == "review"


def test_transition_from_the_wrong_status_is_refused(chief):
    article = make_article()
    before = snapshot(article)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(article, "withdraw", chief, NOTE)
    assert "not possible" in str(refused.value)
    assert snapshot(article) == before


def test_unknown_action_is_refused(chief):
    article = make_article()
    before = snapshot(article)
    with pytest.raises(workflow.WorkflowError):
        workflow.transition(article, "delete_everything", chief)
    assert snapshot(article) == before


def test_inactive_editor_may_take_no_transition(editor):
    editor.is_active = False
    editor.save()
    article = make_article()
    assert workflow.available_transitions(article, editor) == []
    with pytest.raises(workflow.WorkflowError):
        workflow.transition(article, "submit", editor)


@pytest.mark.parametrize(
    ("role", "status"), [pytest.param(r, s, id=f"{r}-{s}") for r, s in product(ROLES, STATUSES)]
)
def test_available_transitions_match_the_matrix(request, role, status):
    user = user_for(role, request)
    article = article_for(role, request, status)
    expected = {
        action for action in ALLOWED[role] if applies_in(workflow.TRANSITIONS[action], status)
    }
    available = workflow.available_transitions(article, user)
    assert {rule.action for rule in available} == expected


# (b) The admin change form, posted directly, bypassing the buttons.


def post_transition(client, article, action, **overrides):
    fields = {"_transition": action, "_transition_note": NOTE, **overrides}
    return client.post(change_url(article), article_form_data(article, **fields))


@pytest.mark.parametrize(("role", "action"), matrix_cases(allowed=True))
def test_role_may_take_transition_through_the_admin(client, request, role, action):
    rule = workflow.TRANSITIONS[action]
    user = user_for(role, request)
    article = article_for(role, request, start_state(rule))
    client.force_login(user)

    response = post_transition(client, article, action)

    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.status == rule.target
    entry = StatusChange.objects.filter(article=article).order_by("-id").first()
    assert (entry.user, entry.from_status, entry.to_status, entry.note) == (
        user, rule.source, rule.target, NOTE,
    )


@pytest.mark.parametrize(("role", "action"), matrix_cases(allowed=False))
def test_role_is_refused_transition_through_the_admin(client, request, role, action):
    rule = workflow.TRANSITIONS[action]
    user = user_for(role, request)
    article = article_for(role, request, start_state(rule))
    original_headline = article.headline
    if role != "anonymous":
        client.force_login(user)
    before = snapshot(article)

    response = post_transition(client, article, action, headline="Changed behind the desk")

    assert response.status_code in (302, 403)
    assert snapshot(article) == before
    article.refresh_from_db()
    if role == "anonymous":
        assert response["Location"].startswith("/admin/login/")
    if start_state(rule) in EDITABLE_STATUSES[role]:
        # The form is saved, the status is not changed, and the editor is told why.
        assert article.headline == "Changed behind the desk"
        assert any("the status did not change" in text for text in message_texts(response))
    else:
        assert article.headline == original_headline
        assert article.version == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [pytest.param(r, s, id=f"{r}-{s}") for r, s in product(ROLES[1:], STATUSES)],
)
def test_change_form_shows_only_allowed_buttons(client, request, role, status):
    user = user_for(role, request)
    article = article_for(role, request, status)
    client.force_login(user)

    response = client.get(change_url(article))

    # Colleagues' drafts, reviews and embargoed (scheduled) stories do not exist for them.
    if role in UNSEEN_BY and status in ("draft", "review", "scheduled"):
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    for action, rule in workflow.TRANSITIONS.items():
        button = f'name="_transition" value="{action}"'
        shown = action in ALLOWED[role] and applies_in(rule, status)
        assert (button in html) is shown, action


def test_anonymous_change_form_redirects_to_login(client):
    article = make_article()
    response = client.get(change_url(article))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_posted_status_fields_are_ignored(client, reporter):
    article = make_article(authors=[reporter.author_profile])
    client.force_login(reporter)

    response = client.post(change_url(article), article_form_data(
        article, status="published", published_at="2020-01-01 10:00", _continue="1"
    ))

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.published_at) == ("draft", None)


def bulk_action(client, action, *articles):
    data = {"action": action, "_selected_action": [article.pk for article in articles]}
    return client.post("/admin/articles/article/", data)


def test_reporter_cannot_publish_with_the_bulk_action(client, reporter):
    article = bring_to(make_article(authors=[reporter.author_profile]), "review")
    before = snapshot(article)
    client.force_login(reporter)

    bulk_action(client, "publish_selected", article)

    assert snapshot(article) == before


def test_reporter_cannot_submit_a_colleagues_draft_with_the_bulk_action(
    client, reporter, other_reporter
):
    article = make_article(authors=[other_reporter.author_profile], created_by=other_reporter)
    before = snapshot(article)
    client.force_login(reporter)

    bulk_action(client, "submit_selected", article)

    assert snapshot(article) == before


def test_editor_publishes_with_the_bulk_action(client, editor):
    article = bring_to(make_article(), "review")
    client.force_login(editor)

    bulk_action(client, "publish_selected", article)

    article.refresh_from_db()
    assert article.status == "published"
    assert StatusChange.objects.get(article=article, action="publish").user == editor


# Notes.


@pytest.mark.parametrize("note", ["", "   \n "], ids=["empty", "blank"])
@pytest.mark.parametrize(
    ("action", "status"), [("publish_directly", "draft"), ("withdraw", "published")]
)
def test_transition_without_a_reason_is_refused(chief, action, status, note):
    article = bring_to(make_article(), status)
    before = snapshot(article)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(article, action, chief, note)

    label = workflow.TRANSITIONS[action].label
    assert refused.value.messages == [f"“{label}” needs a reason."]
    assert snapshot(article) == before


@pytest.mark.parametrize(
    ("action", "status"), [("publish_directly", "draft"), ("withdraw", "published")]
)
def test_transition_without_a_reason_is_refused_through_the_admin(client, chief, action, status):
    article = bring_to(make_article(), status)
    before = snapshot(article)
    client.force_login(chief)

    response = post_transition(client, article, action, _transition_note="")

    assert response.status_code == 302
    assert snapshot(article) == before
    label = workflow.TRANSITIONS[action].label
    assert any(f"“{label}” needs a reason." in text for text in message_texts(response))


@pytest.mark.parametrize(
    ("action", "status", "target"),
    [("publish_directly", "draft", "published"), ("withdraw", "published", "withdrawn")],
)
def test_status_log_records_user_statuses_and_reason(chief, action, status, target):
    article = bring_to(make_article(), status)
    when = timezone.now()

    workflow.transition(article, action, chief, "  Court order received  ", now=when)

    entry = StatusChange.objects.filter(article=article).order_by("-id").first()
    assert entry.user == chief
    assert entry.action == action
    assert (entry.from_status, entry.to_status) == (status, target)
    assert entry.note == "Court order received"
    assert entry.created_at == when


# The publish checklist.


def clear_field(name):
    def clear(article):
        Article.objects.filter(pk=article.pk).update(**{name: "" if name != "section" else None})

    return clear


def remove_byline(article):
    article.bylines.all().delete()


def remove_lead_image(article):
    Article.objects.filter(pk=article.pk).update(lead_image=None)


def clear_image_field(name):
    def clear(article):
        Image.objects.filter(pk=article.lead_image_id).update(**{name: ""})

    return clear


CHECKLIST_FAILURES = [
    pytest.param(clear_field("headline"), "Add a headline.", id="no-headline"),
    pytest.param(clear_field("teaser"), "Write a teaser.", id="no-teaser"),
    pytest.param(clear_field("body"), "Write the body.", id="no-body"),
    pytest.param(clear_field("section"), "Choose a section.", id="no-section"),
    pytest.param(remove_byline, "Add at least one author to the byline.", id="no-author"),
    pytest.param(remove_lead_image, "Choose a lead image.", id="no-lead-image"),
    pytest.param(
        clear_image_field("alt_text"), "Give the lead image an alt text.", id="no-alt-text"
    ),
    pytest.param(clear_image_field("credit"), "Give the lead image a credit.", id="no-credit"),
]


def test_complete_article_passes_the_checklist():
    assert workflow.checklist_problems(make_article()) == []


@pytest.mark.parametrize(
    ("action", "status"), [("publish", "review"), ("publish_directly", "draft")]
)
@pytest.mark.parametrize(("break_it", "message"), CHECKLIST_FAILURES)
def test_checklist_failure_blocks_publishing(chief, break_it, message, action, status):
    article = bring_to(make_article(), status)
    break_it(article)
    before = snapshot(article)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(article, action, chief, NOTE)

    assert refused.value.messages == [message]
    assert snapshot(article) == before


# The form itself refuses an empty headline, so that case is left to the test above.
@pytest.mark.parametrize(("break_it", "message"), CHECKLIST_FAILURES[1:])
def test_checklist_failure_blocks_publishing_through_the_admin(client, editor, break_it, message):
    article = bring_to(make_article(), "review")
    break_it(article)
    before = snapshot(article)
    client.force_login(editor)

    response = post_transition(client, article, "publish")

    assert response.status_code == 302
    assert snapshot(article) == before
    assert any(message in text for text in message_texts(response))


def test_checklist_lists_every_problem_at_once(chief):
    article = make_article(headline="Bare", teaser="", body="", lead_image=None)
    remove_byline(article)
    Article.objects.filter(pk=article.pk).update(section=None)

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(article, "publish_directly", chief, NOTE)

    assert refused.value.messages == [
        "Write a teaser.",
        "Write the body.",
        "Choose a section.",
        "Add at least one author to the byline.",
        "Choose a lead image.",
    ]


def test_lead_image_without_alt_text_and_credit_gives_both_messages(chief):
    article = make_article(lead_image=make_image(alt_text=" ", credit=""))
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(article, "publish_directly", chief, NOTE)
    assert refused.value.messages == [
        "Give the lead image an alt text.",
        "Give the lead image a credit.",
    ]


# Scheduling.


def test_future_publish_time_schedules_the_article(editor):
    now = timezone.now()
    at = now + timedelta(hours=2)
    article = bring_to(make_article(), "review")

    workflow.transition(article, "publish", editor, publish_at=at, now=now)

    article.refresh_from_db()
    assert article.status == "published"
    assert article.published_at == at
    assert article.is_scheduled
    assert not article.is_live
    assert str(article.display_status) == "Scheduled"
    assert StatusChange.objects.get(article=article, action="publish").published_at == at


def test_scheduled_article_goes_live_exactly_at_its_time(editor):
    now = timezone.now()
    at = now + timedelta(hours=2)
    article = bring_to(make_article(), "review")
    workflow.transition(article, "publish", editor, publish_at=at, now=now)

    assert article not in Article.objects.live(now=now)
    assert article not in Article.objects.live(now=at - timedelta(microseconds=1))
    assert article in Article.objects.live(now=at)
    assert article in Article.objects.live(now=at + timedelta(seconds=1))


def test_scheduled_article_appears_on_the_site_when_its_time_has_passed(client, editor, uncached):
    """Two articles scheduled an hour ago: one for now-ish, one for later. No job runs."""
    scheduled_then = timezone.now() - timedelta(hours=1)
    due = bring_to(make_article(headline="Due story appears"), "review")
    later = bring_to(make_article(headline="Later story waits"), "review")
    workflow.transition(
        due, "publish", editor, publish_at=timezone.now() - timedelta(seconds=1),
        now=scheduled_then,
    )
    workflow.transition(
        later, "publish", editor, publish_at=timezone.now() + timedelta(hours=1),
        now=scheduled_then,
    )

    home = client.get("/").content.decode()
    assert "Due story appears" in home
    assert "Later story waits" not in home
    assert client.get(due.get_absolute_url()).status_code == 200
    assert client.get(later.get_absolute_url()).status_code == 404

    # The clock moves past the later article's time: it turns visible by itself.
    Article.objects.filter(pk=later.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert "Later story waits" in client.get("/").content.decode()
    assert client.get(later.get_absolute_url()).status_code == 200


def test_scheduling_through_the_admin_shows_scheduled(client, editor):
    article = bring_to(make_article(), "review")
    client.force_login(editor)
    at = timezone.localtime() + timedelta(hours=3)

    post_transition(client, article, "publish", _publish_at=at.strftime("%Y-%m-%dT%H:%M"))

    article.refresh_from_db()
    assert article.status == "published"
    assert article.published_at == at.replace(second=0, microsecond=0)
    assert article.is_scheduled
    form = client.get(change_url(article)).content.decode()
    assert f"Scheduled – {formats.date_format(at, 'DATETIME_FORMAT')}" in form
    assert client.get(article.get_absolute_url()).status_code == 404


def test_publish_time_is_refused_with_other_actions(editor):
    article = make_article()
    before = snapshot(article)
    with pytest.raises(workflow.WorkflowError):
        workflow.transition(
            article, "submit", editor, publish_at=timezone.now() + timedelta(hours=1)
        )
    assert snapshot(article) == before


def test_first_publication_time_survives_withdraw_reopen_and_republish(chief):
    first = timezone.now() - timedelta(days=3)
    article = bring_to(make_article(), "review")

    workflow.transition(article, "publish", chief, now=first)
    workflow.transition(article, "withdraw", chief, "Legal check", now=first + timedelta(days=1))
    workflow.transition(article, "reopen", chief, now=first + timedelta(days=1, hours=1))
    workflow.transition(article, "submit", chief, now=first + timedelta(days=2))
    again = first + timedelta(days=2, hours=1)
    workflow.transition(article, "publish", chief, now=again)

    article.refresh_from_db()
    assert article.status == "published"
    assert article.first_published_at == first
    assert article.published_at == again
    assert list(
        StatusChange.objects.filter(article=article).order_by("id").values_list("action", flat=True)
    ) == ["submit", "publish", "withdraw", "reopen", "submit", "publish"]


def test_editor_unschedules_a_scheduled_article(editor):
    article = bring_to(make_article(), "scheduled")
    workflow.transition(article, "unschedule", editor)
    article.refresh_from_db()
    assert (article.status, article.published_at, article.first_published_at) == (
        "review", None, None,
    )


def test_a_live_article_cannot_be_unscheduled(editor):
    article = bring_to(make_article(), "published")
    with pytest.raises(workflow.WorkflowError, match="not possible"):
        workflow.transition(article, "unschedule", editor)
    assert Article.objects.get(pk=article.pk).is_live


def test_an_article_withdrawn_before_its_time_was_never_published(chief):
    article = bring_to(make_article(), "scheduled")
    workflow.transition(article, "withdraw", chief, "Embargo lifted too early")
    workflow.transition(article, "reopen", chief)
    article.refresh_from_db()
    assert (article.published_at, article.first_published_at) == (None, None)
    workflow.transition(article, "publish_directly", chief, "Now for real")
    article.refresh_from_db()
    assert article.first_published_at == article.published_at


@pytest.mark.parametrize("body", ["<p> </p>", "<p>&nbsp;</p>", "<p><br></p>", "<h2></h2>"])
def test_a_body_without_words_fails_the_checklist(body):
    article = make_article(body=body)
    assert "Write the body." in [str(p) for p in workflow.checklist_problems(article)]


def test_reading_time_counts_the_words_of_the_body():
    short = make_article(body="<p>one</p><p>two</p>")
    assert short.reading_time == 1
    long = make_article(body="<p>" + "word " * 700 + "</p><p>" + "more " * 2 + "</p>")
    assert long.reading_time == 4  # 702 words at 230 a minute


def test_withdrawing_gives_up_the_top_story_place(chief):
    article = bring_to(make_article(top_story_rank=1), "published")
    workflow.transition(article, "withdraw", chief, "Wrong facts")
    article.refresh_from_db()
    assert article.top_story_rank is None
