import logging
import re
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import ListView
from taggit.models import Tag, TaggedItem

from . import preview, renditions
from .models import (
    CARD_FIELDS,
    Article,
    ArticleUpdate,
    Author,
    Byline,
    Image,
    Rendition,
    Section,
    Video,
    attach_byline_authors,
    related_ids,
)
from .prepared import PreparedQuery, Slot
from .search import clean_query, search_articles

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
TOP_STORIES = 5
RELATED_COUNT = 4


def article_page_queryset():
    """The article's own row and what hangs off it one-to-one: one query."""
    # Not translation_of: a live original comes with the related articles (render_article).
    return Article.objects.select_related("section", "lead_image", "desk_editor")


def article_id(name):
    return Slot(name, models.BigIntegerField())


def run_time():
    """The `now` each run of a prepared query is given."""
    return Slot("now", models.DateTimeField())


def live_when_run():
    """Article.objects.live(), as of the run's time."""
    return Article.objects.live(now=run_time())


# The article page's queries, compiled once (prepared.py): compiling them anew took about a
# quarter of a cold article page. The plain querysets beside them say the same in full.
LIVE_ARTICLE = PreparedQuery(
    lambda: article_page_queryset()
    .live(now=run_time())
    .filter(pk=article_id("pk"))
    .order_by()[:1]  # no ORDER BY for one row by primary key
)
BYLINES = PreparedQuery(
    lambda: Byline.objects.filter(article_id=article_id("article")).select_related("author")
)
TAGS = PreparedQuery(  # what article.tags.order_by("name") asks, as taggit words it
    lambda: Tag.objects.filter(
        taggit_taggeditem_items__content_type__app_label=Article._meta.app_label,
        taggit_taggeditem_items__content_type__model=Article._meta.model_name,
        taggit_taggeditem_items__object_id=article_id("article"),
    ).order_by("name")
)
UPDATES = PreparedQuery(
    lambda: ArticleUpdate.objects.filter(article_id=article_id("article")).order_by("-created_at")
)
VIDEOS = PreparedQuery(
    lambda: Video.objects.filter(article__id=article_id("article")).select_related("poster")
)
# One query per number of tags the article has (related.RELATED_TAGS at most).
RELATED = PreparedQuery(
    lambda tag_count: live_when_run().related(
        pk=article_id("pk"),
        root=article_id("root"),
        tag_ids=[article_id(f"tag_{n}") for n in range(tag_count)],
        content_type=article_id("content_type"),
        limit=RELATED_COUNT,
    )
)


def page_parts(article):
    """Bylines, tags, updates and videos of the article page: one prepared query each.

    Not prefetch_related, whose machinery is made for many objects: for one article it cost
    about 0.8 ms of a 13.5 ms page (2,000 articles). The print view fetches only what it shows.
    """
    return {
        "authors": [byline.author for byline in BYLINES.run(article=article.pk)],
        "tags": TAGS.run(article=article.pk),
        "updates": UPDATES.run(article=article.pk),
        "videos": VIDEOS.run(article=article.pk),
    }


def related_articles(article, tags):
    """Article.objects.live().related_to(article, tags), as a prepared query."""
    ids = related_ids(article, tags)
    tag_ids = ids.pop("tag_ids")
    values = {f"tag_{n}": pk for n, pk in enumerate(tag_ids)}
    if tag_ids:  # the statement for an article without tags has no content type in it
        values["content_type"] = ContentType.objects.get_for_model(Article).pk
    return RELATED.run(shape=len(tag_ids), now=timezone.now(), **ids, **values)


class CappedCountPaginator(Paginator):
    """Counts the list only as far as the requested page and COUNT_AHEAD pages beyond it.

    An exact "Page 2 of 1,000" made every cold list page count the whole live archive: on
    PostgreSQL 18 ms at 20,000 articles, and growing with each one. Past the counted pages
    readers see "Page 2" without a total; `total_known` says which. A page past the end is
    still found: the count then reaches the end, since it goes beyond the requested page.
    """

    COUNT_AHEAD = 50
    # Beyond this page the count runs to the end of the list anyway; the cap keeps the
    # LIMIT inside the database's integers whatever number an address carries.
    LAST_COUNTED_PAGE = 10**9

    def get_page(self, number):
        try:
            requested = int(number)
        except (TypeError, ValueError):
            requested = 1  # as Django does for "abc" or "1.5": the first page
        if requested < 1:
            number = requested = 1  # Django would show the last page, which needs the total
        requested = min(requested, self.LAST_COUNTED_PAGE)
        self.count_limit = (requested + self.COUNT_AHEAD) * self.per_page
        return super().get_page(number)

    @cached_property
    def count(self):
        limit = getattr(self, "count_limit", None)
        if limit is None:
            return super().count
        return self.object_list.order_by()[: limit + 1].count()

    @property
    def total_known(self):
        return self.count <= getattr(self, "count_limit", self.count)


def cards_of(articles):
    """What list pages show of these articles (their cards' columns), newest first."""
    return articles.for_lists().only(*CARD_FIELDS).order_by("-published_at", "-id")


# List pages up to this number are read with prepared queries (prepared.py), one compiled
# statement per kind of list and page; deeper pages, rarely read, are compiled as they come.
PREPARED_PAGES = 10
LIST_PAGE = PreparedQuery(
    lambda shape: shape.view.narrow(
        cards_of(live_when_run()),
        *[article_id(f"value_{n}") for n in range(shape.values)],
    )[shape.start : shape.stop]
)


class ListShape(NamedTuple):
    view: type
    values: int  # how many values narrow the list (ids)
    start: int
    stop: int


class LiveArticleListView(ListView):
    """A paginated list of what readers may see; subclasses narrow it."""

    paginate_by = PAGE_SIZE
    paginator_class = CappedCountPaginator
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    heading = _("Latest news")
    indexable = True
    prepared = True  # the page is read with LIST_PAGE: narrow() takes only ids

    @staticmethod
    def narrow(articles, *values):
        """The view's articles among these: each value an id, or a Slot of LIST_PAGE."""
        return articles

    def narrowed_by(self):
        """The ids narrow() takes for this request (after get_queryset)."""
        return ()

    def get_queryset(self):
        return self.narrow(cards_of(Article.objects.live()), *self.narrowed_by())

    def paginate_queryset(self, queryset, page_size):
        # A page number that is not one, or past the end, shows the first or last page
        # instead of an error: readers and crawlers follow old and mangled links.
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        page.object_list = self.read(page.object_list, paginator.per_page)
        # The page's cards and any others the page shows get their bylines in one query.
        attach_byline_authors([*self.other_cards(), *page.object_list])
        return paginator, page, page.object_list, page.has_other_pages()

    def read(self, window, per_page):
        """The rows of the paginator's slice of the queryset: a prepared query for the first
        PREPARED_PAGES pages (at most that many statements for each kind of list)."""
        start, stop = window.query.low_mark, window.query.high_mark
        # A last page is cut at the count: without orphans, asking for a whole page gives
        # the same rows, with one statement per page however long the list.
        whole_page = stop is not None and stop - start <= per_page
        if not (self.prepared and whole_page and not self.get_paginate_orphans()):
            return list(window)
        if start >= PREPARED_PAGES * per_page:
            return list(window)
        values = self.narrowed_by()
        return LIST_PAGE.run(
            shape=ListShape(type(self), len(values), start, start + per_page),
            now=timezone.now(),
            **{f"value_{n}": value for n, value in enumerate(values)},
        )

    def other_cards(self):
        """Articles shown beside the page's list (the home page's top stories)."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(heading=self.heading, **kwargs)
        if self.indexable:
            number = context["page_obj"].number
            query = f"?page={number}" if number > 1 else ""
            context["canonical_path"] = self.request.path + query
        return context


TOP_STORY_CARDS = PreparedQuery(
    lambda: cards_of(live_when_run())
    .filter(top_story_rank__isnull=False)
    .order_by("top_story_rank", "-published_at", "-id")[:TOP_STORIES]
)


class HomeView(LiveArticleListView):
    """The editors' top stories as a lead block, then everything else, newest first."""

    template_name = "articles/home.html"

    @staticmethod
    def narrow(articles, *top_story_ids):
        return articles.exclude(pk__in=top_story_ids) if top_story_ids else articles

    def narrowed_by(self):
        return [article.pk for article in self.top_stories]

    def get_queryset(self):
        self.top_stories = TOP_STORY_CARDS.run(now=timezone.now())
        return super().get_queryset()

    def other_cards(self):
        return self.top_stories

    def get_context_data(self, **kwargs):
        return super().get_context_data(top_stories=self.top_stories, **kwargs)


class SectionView(LiveArticleListView):
    @staticmethod
    def narrow(articles, section_id):
        return articles.filter(section_id=section_id)

    def narrowed_by(self):
        return [self.section.pk]

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        self.heading = self.section.name
        return super().get_queryset()


class TagView(LiveArticleListView):
    @staticmethod
    def narrow(articles, tag_id, content_type_id):
        # Not tags__id=…: taggit's join would put the content type's id into the statement,
        # and a prepared statement outlives it (a test database's flush makes new ones).
        tagged = TaggedItem.objects.filter(tag_id=tag_id, content_type_id=content_type_id)
        return articles.filter(pk__in=tagged.values("object_id"))

    def narrowed_by(self):
        return [self.tag.pk, ContentType.objects.get_for_model(Article).pk]

    def get_queryset(self):
        # Only a tag on a live article exists for readers: the name of a tag that only
        # drafts or embargoed stories carry could give their subject away.
        # Asked of this one tag (EXISTS), not by listing the tags of every live article.
        used = Exists(Article.objects.live().filter(tags=OuterRef("pk")))
        self.tag = get_object_or_404(Tag.objects.filter(used), slug=self.kwargs["slug"])
        self.heading = _("Tag: %(name)s") % {"name": self.tag.name}
        return super().get_queryset()


class AuthorView(LiveArticleListView):
    # The profile (name, job, bio) is public even before the author's first article is live.
    template_name = "articles/author_detail.html"

    @staticmethod
    def narrow(articles, author_id):
        return articles.filter(authors__id=author_id)

    def narrowed_by(self):
        return [self.author.pk]

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        self.heading = self.author.name
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class SearchView(LiveArticleListView):
    heading = _("Search")
    indexable = False  # result pages are for the reader who searched, not for crawlers
    prepared = False  # narrowed by words, ranked by the database: compiled as it comes

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        return search_articles(super().get_queryset(), self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


def live_article_or_gone(request, pk):
    """The live article with everything its page shows, or the 410/404 readers get instead."""
    found = LIVE_ARTICLE.run(pk=pk, now=timezone.now())
    if found:
        return found[0], None
    if Article.objects.filter(pk=pk, status=Article.Status.WITHDRAWN).exists():
        return None, render(request, "articles/article_gone.html", status=410)
    raise Http404(_("No such article."))


def article_detail(request, slug, pk):
    article, gone = live_article_or_gone(request, pk)
    if gone:
        return gone
    printing = request.GET.get("view") == "print"
    if slug != article.slug:
        url = article.get_absolute_url() + ("?view=print" if printing else "")
        return redirect(url, permanent=True)
    if printing:
        with translation.override(article.language):
            response = render(request, "articles/article_print.html", {"article": article})
    else:
        response = render_article(request, "articles/article_detail.html", article)
    response["Last-Modified"] = http_date(article.modified_at.timestamp())
    return response


def short_link(request, pk):
    article, gone = live_article_or_gone(request, pk)
    return gone or redirect(article, permanent=True)


def render_article(request, template, article, **context):
    """Render an article page, with translations and related articles, in its own language."""
    parts = page_parts(article)
    candidates = related_articles(article, parts["tags"])
    context |= parts | {
        "article": article,
        "original": next((c for c in candidates if c.pk == article.translation_of_id), None),
        "translations": [c for c in candidates if c.in_family],
        "related": [c for c in candidates if not c.in_family][:RELATED_COUNT],
    }
    with translation.override(article.language):
        return render(request, template, context)


@never_cache
def preview_link(request, token):
    """An unpublished article through a signed, expiring link: never indexed, never cached."""
    found = preview.article_for_token(token)
    if found is None:
        raise Http404(_("This preview link has expired or was revoked."))
    return render_preview(request, found)


def render_preview(request, article):
    article = article_page_queryset().get(pk=article.pk)
    response = render_article(request, "articles/article_detail.html", article, is_preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


MASTODON_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def share_mastodon(request):
    """Ask for the reader's Mastodon instance, then offer the link to share there.

    Shares only addresses on this site, and only to a well-formed host name.
    """
    url = request.GET.get("url", "")[:500]
    text = request.GET.get("text", "")[:300]
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        raise Http404(_("Only articles of this site can be shared here."))
    instance = request.GET.get("instance", "").strip().lower().removeprefix("https://")
    instance = instance.split("/")[0][:253]
    share_url = None
    if instance and MASTODON_HOST.match(instance):
        share_url = f"https://{instance}/share?" + urlencode({"text": f"{text} {url}".strip()})
    context = {"url": url, "text": text, "instance": instance, "share_url": share_url}
    context["invalid"] = bool(instance) and share_url is None
    response = render(request, "articles/share_mastodon.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def rendition(request, image_id, spec, token, ext):
    """One rendition of an image, made on the first request for it (see renditions.py).

    Addresses are immutable: a browser or CDN keeps the file for a year. An address with an
    old token (the focal point moved, a new file) redirects to the current one, but only if
    it was once served: a made-up token must not reveal the pictures of embargoed stories.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        raise Http404(_("No such image."))
    try:
        spec = renditions.offered_spec(image, spec, ext)
    except ValueError:
        raise Http404(_("No such image size.")) from None
    if token != renditions.token(image, spec.crop):
        if not Rendition.objects.filter(image=image, token=token).exists():
            raise Http404(_("No such image version."))
        response = redirect(renditions.url(image, spec, ext))
        response["Cache-Control"] = "public, max-age=300"
        return response
    try:
        row = renditions.ensure(image, spec, ext)
        location = row.file.storage.url(row.file.name)
        if urlsplit(location).netloc:
            # Object storage with its own host: send the browser there. Not cached for long,
            # in case the storage signs its addresses with an expiry.
            response = redirect(location)
            response["Cache-Control"] = "public, max-age=300"
            return response
        try:
            handle = row.file.storage.open(row.file.name, "rb")
        except FileNotFoundError:
            # The row outlived its file (media restored without renditions): make it again.
            renditions.forget([row])
            row = renditions.ensure(image, spec, ext)
            handle = row.file.storage.open(row.file.name, "rb")
    except renditions.MasterUnreadable:
        logger.exception("Cannot make rendition %s.%s of image %s", spec.key, ext, image.pk)
        raise Http404(_("This image cannot be shown.")) from None
    response = FileResponse(handle, content_type=renditions.MIME_TYPES[ext])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
