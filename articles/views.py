import re
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from taggit.models import Tag

from . import preview
from .models import Article, ArticleUpdate, Author, Byline, Section, Video
from .search import clean_query, search_articles

PAGE_SIZE = 20
RELATED_COUNT = 4


def article_page_queryset():
    """Everything the article page shows, in a fixed number of queries."""
    return Article.objects.select_related(
        "section", "lead_image", "desk_editor", "translation_of"
    ).prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        Prefetch("updates", queryset=ArticleUpdate.objects.order_by("-created_at")),
        "tags",
        Prefetch("videos", queryset=Video.objects.select_related("poster")),
    )


class LiveArticleListView(ListView):
    """A paginated list of what readers may see; subclasses narrow it."""

    paginate_by = PAGE_SIZE
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    heading = _("Latest news")

    def get_queryset(self):
        return Article.objects.live().for_lists().order_by("-published_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


class SectionView(LiveArticleListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        self.heading = self.section.name
        return super().get_queryset().filter(section=self.section)


class TagView(LiveArticleListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        self.heading = _("Tag: %(name)s") % {"name": self.tag.name}
        return super().get_queryset().filter(tags=self.tag)


class AuthorView(LiveArticleListView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        self.heading = self.author.name
        return super().get_queryset().filter(authors=self.author)


class SearchView(LiveArticleListView):
    heading = _("Search")

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        return search_articles(super().get_queryset(), self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


def live_article_or_gone(request, pk):
    """The live article with everything its page shows, or the 410/404 readers get instead."""
    article = article_page_queryset().live().filter(pk=pk).first()
    if article is not None:
        return article, None
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
            return render(request, "articles/article_print.html", {"article": article})
    return render_article(request, "articles/article_detail.html", article)


def short_link(request, pk):
    article, gone = live_article_or_gone(request, pk)
    return gone or redirect(article, permanent=True)


def render_article(request, template, article, **context):
    """Render an article page, with translations and related articles, in its own language."""
    candidates = list(Article.objects.live().related_to(article))
    context |= {
        "article": article,
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
