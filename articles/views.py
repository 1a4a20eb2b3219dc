from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from taggit.models import Tag

from . import preview
from .models import Article, ArticleUpdate, Author, Byline, Section

PAGE_SIZE = 20


def article_page_queryset():
    """Everything the article page shows, in a fixed number of queries."""
    return Article.objects.select_related(
        "section", "lead_image", "desk_editor", "translation_of"
    ).prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        Prefetch("updates", queryset=ArticleUpdate.objects.order_by("-created_at")),
        "tags",
        "videos",
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
        self.query = self.request.GET.get("q", "").strip()[:200]
        if not self.query:
            return Article.objects.none()
        terms = Q()
        for word in self.query.split()[:10]:
            terms &= Q(headline__icontains=word) | Q(teaser__icontains=word) | Q(
                body__icontains=word
            )
        return super().get_queryset().filter(terms)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


def article_detail(request, slug, pk):
    article = article_page_queryset().live().filter(pk=pk).first()
    if article is None:
        if Article.objects.filter(pk=pk, status=Article.Status.WITHDRAWN).exists():
            return render(request, "articles/article_gone.html", status=410)
        raise Http404(_("No such article."))
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(request, "articles/article_detail.html", {"article": article})


@never_cache
def preview_link(request, token):
    """An unpublished article through a signed, expiring link: never indexed, never cached."""
    found = preview.article_for_token(token)
    if found is None:
        raise Http404(_("This preview link has expired or was revoked."))
    return render_preview(request, found)


def render_preview(request, article):
    article = article_page_queryset().get(pk=article.pk)
    response = render(
        request, "articles/article_detail.html", {"article": article, "is_preview": True}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
