"""Signed, expiring preview links for people without an account.

A link carries the article id and the article's preview secret, signed with SECRET_KEY and a
timestamp. Rotating the secret revokes every link handed out so far.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Article

SALT = "articles.preview-link"


def make_token(article):
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"id": article.pk, "secret": article.preview_secret}
    )


def preview_url(article):
    return reverse("articles:preview", kwargs={"token": make_token(article)})


def article_for_token(token, max_age=None):
    """Return the article a valid token points at, or None (expired, tampered or revoked)."""
    max_age = settings.PREVIEW_LINK_MAX_AGE if max_age is None else max_age
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    article = Article.objects.filter(pk=data.get("id")).first()
    if article is None or not secrets.compare_digest(
        article.preview_secret, str(data.get("secret", ""))
    ):
        return None
    return article


def revoke_links(article):
    """Make every preview link of `article` invalid."""
    article.preview_secret = secrets.token_hex(16)
    Article.objects.filter(pk=article.pk).update(preview_secret=article.preview_secret)
