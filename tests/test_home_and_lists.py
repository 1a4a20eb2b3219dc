"""Home, section, tag and author pages: what readers see there, and who places top stories."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from articles import views, workflow
from articles.models import Article, Author, Section
from tests.conftest import (
    article_form_data,
    change_url,
    empty_page_cache,
    make_article,
    png_bytes,
    publish,
)

pytestmark = pytest.mark.django_db


def live_story(headline, *, minutes_ago=60, **fields):
    return publish(
        make_article(headline=headline, **fields),
        at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def lead_block(html):
    """The home page's top-stories block, or "" when it has none."""
    found = re.search(r'<section class="top-stories".*?</section>', html, re.S)
    return found[0] if found else ""


def latest_block(html):
    return re.search(r'<section class="latest".*?</section>', html, re.S)[0]


def in_order(html, *texts):
    positions = [html.index(text) for text in texts]
    return positions == sorted(positions)


# The home page.


def test_top_stories_lead_the_home_page_in_rank_order(client, superuser):
    third = live_story("Third top story", top_story_rank=3, minutes_ago=10)
    first = live_story("First top story", top_story_rank=1, minutes_ago=50)
    second = live_story("Second top story", top_story_rank=2, minutes_ago=30)
    newest = live_story("Newest ordinary story", minutes_ago=1)

    html = page(client, "/")

    lead = lead_block(html)
    assert in_order(lead, first.headline, second.headline, third.headline)
    assert newest.headline not in lead
    latest = latest_block(html)
    assert newest.headline in latest
    for story in (first, second, third):
        assert story.headline not in latest  # shown once, in the lead block


def test_home_page_leads_with_at_most_five_top_stories(client, superuser):
    stories = [live_story(f"Ranked story {rank}", top_story_rank=rank) for rank in range(1, 8)]

    html = page(client, "/")

    lead = lead_block(html)
    assert lead.count('<article class="card') == 5
    assert in_order(lead, *(story.headline for story in stories[:5]))
    # Ranks past the fifth run in the normal stream rather than disappear.
    for story in stories[5:]:
        assert story.headline in latest_block(html)


def test_equal_ranks_put_the_newer_story_first(client, superuser):
    older = live_story("Older rank one", top_story_rank=1, minutes_ago=90)
    newer = live_story("Newer rank one", top_story_rank=1, minutes_ago=5)

    assert in_order(lead_block(page(client, "/")), newer.headline, older.headline)


def test_hidden_articles_never_lead_the_home_page(client, superuser):
    visible = live_story("Visible second rank", top_story_rank=2)
    draft = make_article(headline="Draft ranked first", top_story_rank=1)
    review = make_article(headline="Review ranked first", top_story_rank=1)
    workflow.transition(review, "submit", superuser)
    scheduled = publish(
        make_article(headline="Embargoed ranked first", top_story_rank=1),
        at=timezone.now() + timedelta(hours=1),
    )
    withdrawn = live_story("Withdrawn ranked first", top_story_rank=1)
    workflow.transition(withdrawn, "withdraw", superuser, "Legal advice")

    html = page(client, "/")

    assert visible.headline in lead_block(html)
    for hidden in (draft, review, scheduled, withdrawn):
        assert hidden.headline not in html
        assert hidden.get_absolute_url() not in html


def test_home_page_without_top_stories_lists_the_latest(client, superuser):
    story = live_story("Only an ordinary story")

    html = page(client, "/")

    assert lead_block(html) == ""
    assert story.headline in latest_block(html)


def test_lead_images_load_the_first_eagerly_and_the_others_lazily(client, superuser):
    for rank in (1, 2, 3):
        live_story(f"Pictured top story {rank}", top_story_rank=rank)

    images = re.findall(r"<img [^>]*>", lead_block(page(client, "/")))

    assert len(images) == 3
    assert 'loading="eager"' in images[0] and 'fetchpriority="high"' in images[0]
    for image in images[1:]:
        assert 'loading="lazy"' in image and "fetchpriority" not in image
    for image in images:
        assert re.search(r'width="\d+" height="\d+"', image)
        assert 'alt="A red square"' in image


def test_lead_block_is_on_the_first_page_only(client, superuser, monkeypatch):
    monkeypatch.setattr(views.HomeView, "paginate_by", 2)
    top = live_story("The lead story", top_story_rank=1)
    for number in range(5):
        live_story(f"Stream story {number}", minutes_ago=number + 1)

    first, second = page(client, "/"), page(client, "/?page=2")

    assert top.headline in lead_block(first)
    assert top.headline not in second
    assert "Stream story 0" in first and "Stream story 2" in second


# Cards.


def test_card_shows_what_a_reader_scans_for(client, superuser):
    authors = [
        Author.objects.create(name="Ada Lovelace", slug="ada", short_code="al"),
        Author.objects.create(name="Grace Hopper", slug="grace", short_code="gh"),
    ]
    story = live_story(
        "Council approves the harbour plan",
        kicker="Harbour",
        teaser="The vote was close.",
        body="<p>" + "word " * 700 + "</p>",
        authors=authors,
    )

    html = latest_block(page(client, "/"))

    assert '<p class="kicker">Harbour</p>' in html
    assert f'<a href="{story.get_absolute_url()}">Council approves the harbour plan</a>' in html
    assert "The vote was close." in html
    assert '<a class="card-section" href="/section/politics/">Politics</a>' in html
    assert "By Ada Lovelace and Grace Hopper" in html
    assert "4 min. read" in html
    published = timezone.localtime(story.published_at).isoformat(timespec="seconds")
    assert f'<time datetime="{published}">' in html
    assert re.search(r'<img class="card-image" [^>]*loading="lazy"', html)


def test_top_stories_and_latest_cards_each_carry_their_own_byline(client, superuser):
    ada = Author.objects.create(name="Ada Lovelace", slug="ada", short_code="al")
    grace = Author.objects.create(name="Grace Hopper", slug="grace", short_code="gh")
    live_story("Top story by Ada", top_story_rank=1, authors=[ada])
    live_story("Latest by Grace and Ada", authors=[grace, ada])
    live_story("Latest by the staff")  # the default byline of test articles

    html = page(client, "/")

    def card(headline):
        start = html.index(headline)
        return html[start : html.index("</article>", start)]

    assert "By Ada Lovelace</span>" in card("Top story by Ada")
    assert "By Grace Hopper and Ada Lovelace</span>" in card("Latest by Grace and Ada")
    assert "By Staff Writer</span>" in card("Latest by the staff")


def test_card_without_lead_image_has_no_picture(client, superuser):
    story = live_story("Words only")  # the checklist wants a picture to publish
    Article.objects.filter(pk=story.pk).update(lead_image=None)
    empty_page_cache()

    assert "<img" not in latest_block(page(client, "/"))


# Section, tag and author pages.


def test_section_page_shows_name_description_and_live_articles(client, superuser):
    coast = Section.objects.create(name="Coast", slug="coast", description="Life by the sea.")
    story = live_story("Ferries run again", section=coast)
    draft = make_article(headline="Unfinished ferry story", section=coast)
    elsewhere = live_story("Budget passes")

    html = page(client, "/section/coast/")

    assert "<h1>Coast</h1>" in html
    assert "Life by the sea." in html
    assert story.headline in html
    assert draft.headline not in html
    assert elsewhere.headline not in html


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "withdrawn"])
def test_tag_carried_only_by_a_hidden_article_is_not_found(client, superuser, state):
    article = make_article(headline="Merger of the two ferry lines", tags=["Ferry merger"])
    if state == "review":
        workflow.transition(article, "submit", superuser)
    elif state == "scheduled":
        publish(article, at=timezone.now() + timedelta(hours=2))
    elif state == "withdrawn":
        publish(article, at=timezone.now() - timedelta(hours=2))
        workflow.transition(article, "withdraw", superuser, "Wrong")

    response = client.get("/tag/ferry-merger/")

    assert response.status_code == 404
    assert "Ferry merger" not in response.content.decode()


def test_tag_page_lists_only_live_articles(client, superuser):
    story = live_story("Ferries run again", tags=["Ferries"])
    draft = make_article(headline="Unfinished ferry story", tags=["Ferries"])

    html = page(client, "/tag/ferries/")

    assert "<h1>Tag: Ferries</h1>" in html
    assert story.headline in html
    assert draft.headline not in html


@pytest.fixture
def anna(db):
    author = Author(
        name="Anna Ahlers",
        slug="anna-ahlers",
        short_code="aah",
        job_title="Harbour reporter",
        bio="Anna reports on shipping.\n\nShe lives by the sea.",
        website_url="https://anna.example/",
        mastodon_url="https://mastodon.example/@anna",
        bluesky_url="https://bsky.app/profile/anna.example",
        linkedin_url="https://www.linkedin.com/in/anna-example",
    )
    author.photo.save("anna.png", SimpleUploadedFile("anna.png", png_bytes(90, 120)), save=False)
    author.save()
    return author


def test_author_page_shows_the_profile_and_live_articles(client, superuser, anna):
    story = live_story("Ships queue at the mole", authors=[anna])
    draft = make_article(headline="Anna's unfinished draft", authors=[anna])
    other = live_story("Someone else's story")

    html = page(client, "/author/anna-ahlers/")

    assert html.count("<h1") == 1
    assert "<h1>Anna Ahlers</h1>" in html
    photo = re.search(r'<img class="author-photo" [^>]*>', html)[0]
    assert f'src="{anna.photo.url}"' in photo
    assert 'alt="Anna Ahlers"' in photo
    assert 'loading="lazy"' in photo
    assert re.search(r'width="\d+" height="\d+"', photo)
    assert "Harbour reporter" in html
    assert "(aah)" in html
    assert "<p>Anna reports on shipping.</p>" in html and "<p>She lives by the sea.</p>" in html
    for url in (anna.website_url, anna.mastodon_url, anna.bluesky_url, anna.linkedin_url):
        assert f'<a href="{url}" rel="noopener">' in html
    assert 'rel="me"' not in html.split("<footer")[0]  # "me" is the newsroom's own profiles
    assert "/feeds/author/anna-ahlers/rss/" in html
    assert story.headline in html
    assert draft.headline not in html
    assert other.headline not in html


def test_author_without_live_articles_still_has_a_public_profile(client, superuser, anna):
    draft = make_article(headline="Anna's first, unfinished story", authors=[anna])

    html = page(client, "/author/anna-ahlers/")

    assert "Anna reports on shipping." in html
    assert "No articles here yet." in html
    assert draft.headline not in html


def test_author_page_leaves_out_empty_profile_links(client, superuser):
    Author.objects.create(name="Ben Brandt", slug="ben", short_code="bb")

    html = page(client, "/author/ben/")

    assert "<h1>Ben Brandt</h1>" in html
    assert "Mastodon" not in html.split("<footer")[0]
    assert 'class="author-photo"' not in html


# Pagination.

LISTS = ["/", "/section/politics/", "/tag/quokka/", "/author/staff/"]


@pytest.fixture
def three_pages(superuser, monkeypatch):
    monkeypatch.setattr(views.LiveArticleListView, "paginate_by", 2)  # and every subclass
    return [
        live_story(f"Quokka story {number}", tags=["Quokka"], minutes_ago=number + 1)
        for number in range(6)
    ]


@pytest.mark.parametrize("number", ["abc", "0", "-1", "999", "1.5", "", "last", "2\x00", "1e3"])
@pytest.mark.parametrize("url", LISTS)
def test_odd_page_numbers_show_a_page_instead_of_an_error(client, three_pages, url, number):
    response = client.get(url, {"page": number})

    assert response.status_code == 200
    assert "Quokka story" in response.content.decode()


@pytest.mark.parametrize("url", LISTS)
def test_page_past_the_end_shows_the_last_page(client, three_pages, url):
    html = page(client, f"{url}?page=999")

    assert "Quokka story 5" in html  # the oldest
    assert "Page 3 of 3" in html


@pytest.mark.parametrize("url", LISTS)
def test_pagination_links_to_newer_and_older_pages(client, three_pages, url):
    html = page(client, f"{url}?page=2")

    nav = re.search(r'<nav class="pagination" aria-label="Pages">.*?</nav>', html, re.S)[0]
    assert 'rel="prev" href="?"' in nav  # the first page has no page number in its address
    assert 'rel="next" href="?page=3"' in nav
    assert "Page 2 of 3" in nav
    assert f'<link rel="canonical" href="http://testserver{url}?page=2">' in html


@pytest.mark.parametrize("url", LISTS)
def test_a_long_list_is_counted_only_a_little_beyond_the_page(
    client, three_pages, url, monkeypatch
):
    """Counting a whole archive on every list page grows with every article: past the pages
    counted, readers get "Page 1" and the link to older stories, not the total."""
    monkeypatch.setattr(views.CappedCountPaginator, "COUNT_AHEAD", 1)  # counts 4 stories
    html = page(client, url)
    nav = re.search(r'<nav class="pagination" aria-label="Pages">.*?</nav>', html, re.S)[0]
    assert re.search(r"<span aria-current=\"page\">Page 1</span>", nav)
    assert 'rel="next" href="?page=2"' in nav
    # Further on, the count reaches the end: the total is known again.
    assert "Page 2 of 3" in page(client, f"{url}?page=2")
    assert "Page 3 of 3" in page(client, f"{url}?page=999")


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(("number", "label"), [
    ("0", "Page 1 of 3"), ("-5", "Page 1 of 3"), (str(10**30), "Page 3 of 3"),
])
def test_page_numbers_beyond_any_count_still_answer(client, three_pages, url, number, label):
    assert label in page(client, f"{url}?page={number}")


def test_a_german_newsroom_says_seite_with_and_without_the_total(
    client, three_pages, monkeypatch, settings
):
    settings.LANGUAGE_CODE = "de"  # the public site speaks the newsroom's language
    monkeypatch.setattr(views.CappedCountPaginator, "COUNT_AHEAD", 1)
    assert '<span aria-current="page">Seite 1</span>' in page(client, "/")
    assert "Seite 2 von 3" in page(client, "/?page=2")


def test_pagination_keeps_other_parameters(client, three_pages):
    html = page(client, "/search/?q=quokka&page=2")

    assert 'rel="next" href="?q=quokka&amp;page=3"' in html
    assert 'rel="prev" href="?q=quokka"' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_mangled_page_number_points_search_engines_to_the_first_page(client, three_pages):
    html = page(client, "/section/politics/?page=abc")

    assert '<link rel="canonical" href="http://testserver/section/politics/">' in html


# Structure every list page shares.


@pytest.mark.parametrize("url", LISTS)
def test_list_page_has_one_h1_unique_ids_and_cards_in_a_list(client, three_pages, url):
    Article.objects.filter(headline="Quokka story 0").update(top_story_rank=1)
    empty_page_cache()

    html = page(client, url)

    assert html.count("<h1") == 1
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert re.search(r'<ul class="cards[^"]*">\s*<li>\s*<article class="card', html)


# Placing top stories on the desk.


def test_editor_sets_the_top_story_rank_in_the_article_form(client, editor):
    article = live_story("Lead candidate")
    client.force_login(editor)

    response = client.post(change_url(article), article_form_data(article, top_story_rank=1))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.top_story_rank == 1


def test_rank_must_be_at_least_one(client, editor):
    article = live_story("Lead candidate")
    client.force_login(editor)

    response = client.post(change_url(article), article_form_data(article, top_story_rank=0))

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.top_story_rank is None


def test_reporter_sees_the_rank_but_cannot_set_it(client, reporter):
    article = make_article(headline="My own draft", authors=[reporter.author_profile])
    client.force_login(reporter)

    form = client.get(change_url(article)).content.decode()
    assert "Top story rank" in form
    assert 'name="top_story_rank"' not in form

    response = client.post(change_url(article), article_form_data(article, top_story_rank=1))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.top_story_rank is None


def test_reporter_save_leaves_an_editors_rank_alone(client, reporter):
    article = make_article(
        headline="My own draft", authors=[reporter.author_profile], top_story_rank=2
    )
    client.force_login(reporter)

    data = article_form_data(article, headline="My own draft, rewritten", top_story_rank="")
    client.post(change_url(article), data)

    article.refresh_from_db()
    assert article.headline == "My own draft, rewritten"
    assert article.top_story_rank == 2


def test_restoring_a_revision_keeps_todays_rank(client, editor, reporter):
    article = make_article(headline="My own draft", authors=[reporter.author_profile])
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, top_story_rank=1))
    client.post(change_url(article), article_form_data(article, top_story_rank=""))
    ranked = Version.objects.get_for_object(article).order_by("pk").first()
    assert ranked.field_dict["top_story_rank"] == 1

    client.force_login(reporter)
    restore_url = f"/admin/articles/article/{article.pk}/history/{ranked.pk}/"
    assert client.get(restore_url).status_code == 200
    response = client.post(restore_url, article_form_data(article, top_story_rank=1))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.top_story_rank is None


def test_desk_list_shows_and_filters_by_rank(client, editor):
    live_story("Placed story", top_story_rank=1)
    live_story("Unplaced story")
    client.force_login(editor)

    html = client.get("/admin/articles/article/?top_story_rank__isempty=0").content.decode()

    assert "Top story rank" in html
    assert "Placed story" in html
    assert "Unplaced story" not in html


# Query budgets.


def count_queries(client, url):
    empty_page_cache()  # measure the page, not the page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_stories(count, authors):
    """Live stories by rotating writers with shared and own tags, each newer than the last."""
    start = timezone.now() - timedelta(hours=2)
    stories = []
    for number in range(count):
        offset = Article.objects.count()
        article = make_article(
            headline=f"Quokka budget story {offset + 1}",
            authors=authors[number % 3 : number % 3 + 3],
            tags=["Quokka", f"Topic {offset}"],
            top_story_rank=(number % 4) or None,
        )
        stories.append(publish(article, at=start + timedelta(seconds=offset)))
    return stories


@pytest.mark.parametrize("url", ["/", "/section/politics/", "/tag/quokka/", "/author/writer-c/"])
def test_list_page_runs_the_same_queries_for_5_and_25_articles(client, superuser, url):
    authors = [
        Author.objects.create(name=f"Writer {code}", slug=f"writer-{code}", short_code=f"w{code}")
        for code in "abcde"
    ]
    add_stories(5, authors)
    client.get(url)  # warm process-wide caches such as content types
    few = count_queries(client, url)

    add_stories(20, authors)
    many = count_queries(client, url)

    assert many == few
    assert few <= 7


def test_card_of_an_article_in_another_language_says_so(client, superuser):
    live_story("Hafen wieder offen", language="de", kicker="Küste", teaser="Die Schiffe sind da.")

    html = latest_block(page(client, "/"))

    assert '<p class="kicker" lang="de">Küste</p>' in html
    assert '<h3 class="card-headline" lang="de">' in html
    assert '<p class="teaser" lang="de">Die Schiffe sind da.</p>' in html
