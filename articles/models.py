import math
import re
import secrets

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThanOrEqual, In, LessThanOrEqual
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from .links import public_url
from .prepared import Constant, PreparedQuery, Slot
from .related import RELATED_TAGS, related_statement
from .sanitize import clean_html, text_of

WORDS_PER_MINUTE = 230
# What a card shows (templatetags/cards.py, pictures.py): list pages read only these columns
# (a page of 25 cards spent 0.7 ms converting the others, on SQLite parsing their dates).
CARD_FIELDS = (
    "headline", "slug", "kicker", "teaser", "language", "published_at", "reading_time",
    "section__name", "section__slug",
    "lead_image__file", "lead_image__width", "lead_image__height", "lead_image__focal_x",
    "lead_image__focal_y", "lead_image__alt_text",
)
YOUTUBE_ID = re.compile(
    r"(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)"
    r"([A-Za-z0-9_-]{11})"
)
VIMEO_ID = re.compile(r"vimeo\.com/(?:video/)?(\d{4,12})")
# Addresses readers' browsers open: the web only (Django's default also takes ftp).
web_url_validator = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address that starts with http:// or https://."),
    code="not_web_address",  # not "invalid": forms would replace the message by their own
)


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, help_text=_("Used in the section's URL."))
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Sections are listed in this order, lowest first.")
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["slug"], name="section_slug_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return public_url("articles:section", slug=self.slug)


short_code_validator = RegexValidator(
    r"^[a-z]{2,5}$", _("Use 2 to 5 lower-case letters, for example “emw”.")
)


class Author(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150)
    short_code = models.CharField(
        _("short code"),
        max_length=5,
        validators=[short_code_validator],
        help_text=_("2–5 lower-case letters shown at the end of articles this person edited."),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    website_url = models.URLField(_("website"), blank=True, validators=[web_url_validator])
    mastodon_url = models.URLField(
        _("Mastodon profile"), blank=True, validators=[web_url_validator]
    )
    bluesky_url = models.URLField(_("Bluesky profile"), blank=True, validators=[web_url_validator])
    linkedin_url = models.URLField(
        _("LinkedIn profile"), blank=True, validators=[web_url_validator]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_("The login of this author, so that their drafts are theirs to edit."),
    )
    login = models.CharField(
        _("imported login"),
        max_length=150,
        blank=True,
        help_text=_("username in the system an import came from"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="author_slug_unique"),
            models.UniqueConstraint(fields=["short_code"], name="author_short_code_unique"),
            models.UniqueConstraint(
                fields=["login"], condition=~Q(login=""), name="author_login_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    GreaterThanOrEqual(Length("short_code"), 2),
                    LessThanOrEqual(Length("short_code"), 5),
                    short_code=Lower("short_code"),
                ),
                name="author_short_code_lowercase_2_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.short_code})"

    def get_absolute_url(self):
        return public_url("articles:author", slug=self.slug)


def original_storage():
    return storages["originals"]


class Image(models.Model):
    file = models.ImageField(
        _("file"), upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    original = models.FileField(
        _("original file"),
        upload_to="originals/%Y/%m/",
        storage=original_storage,
        blank=True,
        editable=False,
        help_text=_("The file as uploaded, kept privately for re-cropping; never served."),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describe what the picture shows for readers who cannot see it."),
    )
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(
        _("credit"),
        max_length=200,
        help_text=_("Who owns the picture, e.g. “Shutterstock/ioda”; shown as “(Image: …)”."),
    )
    source_url = models.URLField(_("source URL"), blank=True, validators=[web_url_validator])
    checksum = models.CharField(
        _("checksum"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("SHA-256 of the original file; an import reuses an image it already has."),
    )
    focal_x = models.FloatField(
        _("focal point x"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the left edge, 1 the right edge; crops keep this point."),
    )
    focal_y = models.FloatField(
        _("focal point y"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the top edge, 1 the bottom edge."),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self):
        return self.alt_text or self.file.name

    def get_absolute_url(self):
        return self.file.url


class Video(models.Model):
    class Provider(models.TextChoices):
        YOUTUBE = "youtube", "YouTube"
        VIMEO = "vimeo", "Vimeo"
        FILE = "file", _("Self-hosted file")

    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    url = models.URLField(
        _("URL"),
        validators=[web_url_validator],
        help_text=_("The video's page at the provider, or the address of the file.")
    )
    poster = models.ForeignKey(
        Image, verbose_name=_("poster image"), on_delete=models.SET_NULL, null=True, blank=True
    )
    duration = models.DurationField(_("duration"), null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__in=["youtube", "vimeo", "file"]),
                name="video_provider_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url

    @property
    def embed_url(self):
        """The provider's player address, built from the video's ID only; None if unknown.

        YouTube plays from its no-cookie domain; Vimeo with do-not-track.
        """
        match self.provider:
            case self.Provider.YOUTUBE:
                found = YOUTUBE_ID.search(self.url)
                if found:
                    return f"https://www.youtube-nocookie.com/embed/{found[1]}?autoplay=1"
            case self.Provider.VIMEO:
                found = VIMEO_ID.search(self.url)
                if found:
                    return f"https://player.vimeo.com/video/{found[1]}?dnt=1&autoplay=1"
        return None

    @property
    def provider_host(self):
        return {"youtube": "YouTube", "vimeo": "Vimeo"}.get(self.provider, "")


def related_ids(article, tags):
    """What related() asks of an article: its id, its translation family's root, and the
    ids of its first RELATED_TAGS tags (by id)."""
    return {
        "pk": article.pk,
        "root": article.translation_of_id or article.pk,
        "tag_ids": sorted(tag.pk for tag in tags)[:RELATED_TAGS],
    }


class ArticleQuerySet(models.QuerySet):
    def live(self, now=None):
        """Articles readers may see: published, and their time has come."""
        return self.filter(
            status=Constant(Article.Status.PUBLISHED), published_at__lte=now or timezone.now()
        )

    def owned_by(self, user):
        """Articles with `user` in the byline: a reporter's own."""
        return self.filter(pk__in=Byline.objects.filter(author__user=user).values("article"))

    def related_to(self, article, tags=None, limit=4):
        """Its translations and originals first, then articles sharing the most tags.

        One query; the caller splits the two groups on `in_family` (2 for the original, 1 for
        its other translations, 0 for the rest). Candidates sharing a tag are the newest
        RELATED_PER_TAG articles (by id) of each of its tags, and of those the RELATED_POOL
        sharing the most, so the rows read stay bounded however large the archive or a tag
        grows (see related.py). Tags are counted where the article is among a tag's newest:
        an old story sharing three busy tags ranks as sharing those it is still news for.
        tags: the article's tags, if the caller has them already (else one more query).
        """
        tags = article.tags.all() if tags is None else tags
        content_type = ContentType.objects.get_for_model(Article).pk
        return self.related(**related_ids(article, tags), content_type=content_type, limit=limit)

    def related(self, pk, root, tag_ids, content_type, limit=4):
        """related_to() by ids, each a value or a Slot of a prepared query (prepared.py): a
        RawQuerySet of this queryset's articles (related.py has its SQL).

        This queryset's conditions become the statement's: they may test only the article's
        own columns, as live() does. The rows carry RELATED_COLUMNS (the rest is deferred),
        shared_tags, in_family and section_name.
        """
        query = self.query
        if len(query.alias_map) > 1 or query.is_sliced:
            raise ValueError("related() takes conditions on the articles' own columns only")
        where = query.get_compiler(self.db).compile(query.where) if query.where else ("1 = 1", [])
        sql, params = related_statement(where, pk, root, tag_ids, content_type, limit)
        return self.model.objects.raw(sql, params).using(self.db)

    def for_lists(self):
        """A list of cards' articles with their sections and lead images, in one query.

        Their bylines come from attach_byline_authors(), once the list is cut to a page.
        """
        return self.select_related("section", "lead_image")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class TranslationMethod(models.TextChoices):
        HUMAN = "human", _("Translated by a person")
        MACHINE_ASSISTED = "machine_assisted", _(
            "Machine-assisted, editorially reviewed"
        )

    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        help_text=_("Part of the URL; filled from the headline when left empty."),
    )
    kicker = models.CharField(
        _("kicker"), max_length=80, blank=True, help_text=_("Short line above the headline.")
    )
    teaser = models.TextField(
        _("teaser"), blank=True, help_text=_("One or two sentences shown in lists and feeds.")
    )
    body = ProseEditorField(
        _("body"),
        blank=True,
        config={
            "extensions": {
                "Bold": True,
                "Italic": True,
                "Strike": True,
                "Subscript": True,
                "Superscript": True,
                "Heading": {"levels": [2, 3, 4]},
                "BulletList": True,
                "OrderedList": True,
                "ListItem": True,
                "Blockquote": True,
                "HorizontalRule": True,
                "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
                "Table": True,
                "TableRow": True,
                "TableHeader": True,
                "TableCell": True,
            }
        },
        sanitize=clean_html,
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="Byline", related_name="articles", blank=True
    )
    desk_editor = models.ForeignKey(
        Author,
        verbose_name=_("desk editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_articles",
        help_text=_("Shown by short code at the end of the article, e.g. “(emw)”."),
    )
    lead_image = models.ForeignKey(
        Image,
        verbose_name=_("lead image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    videos = models.ManyToManyField(Video, verbose_name=_("related videos"), blank=True)
    tags = TaggableManager(_("tags"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translated from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        help_text=_("The original article in this newsroom, if there is one."),
    )
    original_url = models.URLField(
        _("original URL"),
        blank=True,
        validators=[web_url_validator],
        help_text=_("Where the original appeared, if elsewhere.")
    )
    original_language = models.CharField(
        _("original language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    translation_method = models.CharField(
        _("translation method"), max_length=20, choices=TranslationMethod.choices, blank=True
    )
    top_story_rank = models.PositiveSmallIntegerField(
        _("top story rank"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "1 is the lead story on the home page; leave empty for the normal stream. "
            "The home page leads with up to five published top stories, lowest number first."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("publish time"), null=True, blank=True, editable=False)
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    preview_secret = models.CharField(max_length=32, default="", blank=True, editable=False)
    source = models.CharField(
        _("import source"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("Where an imported article came from, e.g. “wxr:example.org”."),
    )
    external_id = models.CharField(
        _("external ID"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("The article's identifier at its source; a new import updates it."),
    )
    external_version = models.CharField(
        _("external version"), max_length=100, blank=True, editable=False
    )
    imported_at = models.DateTimeField(_("last imported"), null=True, blank=True, editable=False)
    # The article's `version` right after the last import: a higher one means the newsroom
    # edited it since, and the next import must not overwrite that.
    imported_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [F("published_at").desc(nulls_last=True), "-updated_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        get_latest_by = "published_at"
        permissions = [
            ("approve_article", _("Can send articles in review back to draft")),
            ("publish_article", _("Can publish, schedule and reopen articles")),
            ("withdraw_article", _("Can withdraw published articles")),
            ("edit_any_article", _("Can edit every article, not only their own drafts")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "withdrawn"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            models.UniqueConstraint(fields=["slug"], name="article_slug_unique"),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="article_external_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(top_story_rank__isnull=True) | Q(top_story_rank__gte=1),
                name="article_top_story_rank_from_1",
            ),
        ]
        indexes = [
            # Partial on status: a (status, published_at) index looks so selective to SQLite's
            # planner, which has no statistics, that it walked every live row with it even
            # where a rank, a tag or a primary key would pick a handful (bench/RESULTS.md).
            # status as the second column only so that counting live articles reads the
            # index alone.
            models.Index(
                fields=["published_at", "status"],
                condition=Q(status="published"),
                name="article_live_idx",
            ),
            models.Index(fields=["section", "status", "published_at"], name="article_section_idx"),
            # Few articles carry a rank: index only those, for the home page's lead block.
            models.Index(
                fields=["status", "top_story_rank"],
                condition=Q(top_story_rank__isnull=False),
                name="article_top_story_idx",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        if not self.slug:
            self.slug = self.free_slug(slugify(self.headline)[:180] or "article")
        self.reading_time = self.compute_reading_time()
        if not self.preview_secret:
            self.preview_secret = secrets.token_hex(16)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return public_url("articles:detail", slug=self.slug, pk=self.pk)

    def free_slug(self, base):
        """Return `base`, or `base-2`, `base-3`… if another article has it (one query)."""
        taken = set(
            Article.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    def compute_reading_time(self):
        # Tags become spaces so that "<p>one</p><p>two</p>" counts two words.
        text = text_of(self.body)
        return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))

    @property
    def is_live(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def modified_at(self):
        """When readers last saw a change: never before the publication itself."""
        return max(self.updated_at, self.published_at) if self.published_at else self.updated_at

    @property
    def display_status(self):
        """The status as editors think of it: a future publish time is 'Scheduled'."""
        if self.is_scheduled:
            return _("Scheduled")
        return self.get_status_display()

    def byline_authors(self):
        """The authors in byline order: as attach_byline_authors() left them, else from the
        (prefetched, or queried) bylines."""
        if hasattr(self, "attached_authors"):
            return self.attached_authors
        return [byline.author for byline in self.bylines.all()]


def attach_byline_authors(articles):
    """Give each article of a list its authors in byline order, with one query for them all.

    Lists use this instead of prefetch_related("bylines"), which builds a queryset for every
    article: for a page of 20 cards that cost more than the query itself (2.9 vs 1.6 ms).
    The query is prepared (prepared.py): one statement per number of articles.
    Returns the articles, as a list.
    """
    articles = list(articles)
    authors = {article.pk: [] for article in articles}
    if authors:
        ids = {f"article_{n}": pk for n, pk in enumerate(authors)}
        for byline in BYLINES_OF_ARTICLES.run(shape=len(ids), **ids):
            authors[byline.article_id].append(byline.author)
    for article in articles:
        article.attached_authors = authors[article.pk]
    return articles


BYLINES_OF_ARTICLES = PreparedQuery(
    lambda count: Byline.objects.filter(
        # As a lookup of the column itself: article_id__in would check each value is an id.
        In(F("article_id"), [Slot(f"article_{n}", models.BigIntegerField()) for n in range(count)])
    ).select_related("author")
)


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("byline entry")
        verbose_name_plural = _("byline")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_author_once"),
        ]

    def __str__(self):
        return f"{self.author.name} – {self.article.headline}"

    def get_absolute_url(self):
        return self.author.get_absolute_url()


class ArticleUpdate(models.Model):
    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        CORRECTION = "correction", _("Correction")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.UPDATE)
    text = ProseEditorField(
        _("text"),
        config={"extensions": {"Bold": True, "Italic": True, "Link": {"enableTarget": False}}},
        sanitize=clean_html,
        help_text=_("What changed, as readers should read it."),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("update or correction")
        verbose_name_plural = _("updates and corrections")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["update", "correction"]), name="update_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.text = clean_html(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class StatusChange(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="status_log")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, choices=Article.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Article.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("publish time"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self):
        when = timezone.localtime(self.created_at)
        return f"{self.from_status} → {self.to_status} ({when:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return self.article.get_absolute_url()


# Revisions keep what editors write; the workflow's fields are left out so that restoring an
# old revision can never change an article's status behind the workflow's back.
reversion.register(
    Article,
    exclude=["status", "published_at", "first_published_at", "preview_secret"],
    follow=["bylines", "updates"],
)
reversion.register(Byline)
reversion.register(ArticleUpdate)


class Rendition(models.Model):
    """One derived file of an image (a crop, width and format), made on first use."""

    image = models.ForeignKey(
        Image, verbose_name=_("image"), on_delete=models.CASCADE, related_name="renditions"
    )
    spec = models.CharField(_("spec"), max_length=20)
    format = models.CharField(_("format"), max_length=4)
    token = models.CharField(
        _("token"), max_length=16, help_text=_("The master and focal point it was made from.")
    )
    file = models.FileField(_("file"), max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["image", "spec", "format", "token"], name="rendition_unique"
            ),
        ]

    def __str__(self):
        return self.file.name


class AuditEntry(models.Model):
    """One thing that happened to the desk's security: who, when, from where, what.

    Written by `articles.audit` only; nobody edits or deletes entries through the admin.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        LOCKED_OUT = "locked_out", _("Locked out")
        SECOND_FACTOR_VERIFIED = "2fa_verified", _("Second factor verified")
        SECOND_FACTOR_FAILED = "2fa_failed", _("Second factor wrong")
        SECOND_FACTOR_ADDED = "2fa_added", _("Second factor added")
        SECOND_FACTOR_REMOVED = "2fa_removed", _("Second factor removed")
        TRANSITION = "transition", _("Workflow transition")
        PERMISSIONS = "permissions", _("Permissions changed")
        DELETION = "deletion", _("Deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who did it (for a failed sign-in: the account tried, if it exists)."),
    )
    username = models.CharField(
        _("username"),
        max_length=150,
        blank=True,
        help_text=_("As typed or as it was at the time; kept when the account is deleted."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    target = models.CharField(_("object"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.get_action_display()}: {self.username} {self.target}".strip()
