from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView
from django.views.static import serve

from articles import twofactor
from articles.admin import view_on_site
from articles.sitemaps import (
    ArticleSitemap,
    AuthorSitemap,
    NewsSitemap,
    SectionSitemap,
    TagSitemap,
)

sitemaps = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


# What /media/ may hand a browser to show; anything else is only ever downloaded, so an
# uploaded page or SVG can never run as ours. docs/deploy.md has the same for a CDN.
MEDIA_INLINE_TYPES = {
    "image/jpeg", "image/png", "image/webp", "image/avif", "image/gif", "video/mp4",
    "video/webm",
}


def serve_media(request, path):
    """Uploaded files, for development and tests; production serves them from storage."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.get("Content-Type", "").split(";")[0] not in MEDIA_INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        disposition = response.get("Content-Disposition", "inline")
        response["Content-Disposition"] = disposition.replace("inline", "attachment", 1)
    return response


urlpatterns = [
    # Before the admin's own "view on site" redirect, which checks no permission.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    # Before the library's own route for it, so that passkey verifications reach the audit log.
    path(
        "admin/2fa/passkeys/authentication/complete/",
        twofactor.AuditedPasskeyVerification.as_view(),
        name="credential-authentication-complete",
    ),
    path("admin/2fa/passkeys/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("admin/2fa/", include((twofactor.urlpatterns, "signin"))),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.ico")),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="sitemap-news",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # After the app's URLs: /media/r/… is the rendition view's, which makes missing files.
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", serve_media))
