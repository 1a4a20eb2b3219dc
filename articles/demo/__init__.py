"""The demo newsroom that `make run` serves: invented sections, authors, articles and logins.

Everything is keyed (sections and articles by slug, authors by short code, images by alt text
and credit, logins by username), so loading twice adds nothing; only the demo passwords are
new on every run. Status changes go through `workflow.transition`, like everywhere else.
"""

import io
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw, ImageFont, ImageOps

from ..images import accept_upload
from ..models import Article, ArticleUpdate, Author, Byline, Image, Section
from ..workflow import TRANSITIONS, transition
from .content import ARTICLES, AUTHORS, PALETTES, SECTIONS, USERS, WORKFLOW_PATHS

DEMO_CREDIT = "Newsroom/demo illustration"  # shown as "(Image: Newsroom/demo illustration)"
LEAD_SIZE = (1600, 900)
PORTRAIT_SIZE = (400, 400)
# Small files keep the demo (and its tests) fast; these are flat illustrations, not photos.
JPEG_QUALITY = 70


@dataclass
class DemoLogin:
    username: str
    role: str
    password: str


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def already_present(self):
        return self.created.total() == 0


def load_demo(now=None):
    """Create whatever part of the demo newsroom is missing and reset the demo passwords.

    Returns a DemoResult with what was created and the new logins. Each article is created in
    its own transaction, so an interrupted run leaves no half-made article behind.
    """
    return DemoLoader(now or timezone.now()).run()


class DemoLoader:
    def __init__(self, now):
        self.now = now
        self.result = DemoResult()

    def run(self):
        self.users = self.ensure_users()
        self.sections = {spec["slug"]: self.ensure_section(spec) for spec in SECTIONS}
        self.authors = {spec.code: self.ensure_author(spec) for spec in AUTHORS}
        for spec in ARTICLES:
            self.ensure_article(spec)
        return self.result

    @transaction.atomic
    def ensure_users(self):
        return {spec.username: self.ensure_user(spec) for spec in USERS}

    def ensure_user(self, spec):
        user, created = User.objects.get_or_create(username=spec.username)
        self.result.created["logins"] += created
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.email = f"{spec.username}@example.org"
        user.is_active = user.is_staff = True
        user.is_superuser = spec.group is None
        # A fresh password on every run: nobody can rely on one printed in an old log.
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=spec.group)] if spec.group else [])
        self.result.logins.append(DemoLogin(spec.username, spec.role, password))
        return user

    def ensure_section(self, spec):
        section, created = Section.objects.get_or_create(slug=spec["slug"], defaults=spec)
        self.result.created["sections"] += created
        return section

    def ensure_author(self, spec):
        author, created = Author.objects.get_or_create(
            short_code=spec.code,
            defaults={
                "name": spec.name,
                "slug": spec.slug,
                "job_title": spec.job_title,
                "bio": spec.bio,
                "user": self.users.get(spec.user),
            },
        )
        self.result.created["authors"] += created
        if not author.photo:
            photo = portrait_jpeg(spec.initials, spec.colour)
            author.photo.save(f"{spec.code}.jpg", named_file(photo, f"{spec.code}.jpg"))
        return author

    @transaction.atomic
    def ensure_article(self, spec):
        if Article.objects.filter(slug=spec.slug).exists():
            return
        article = Article.objects.create(
            slug=spec.slug,
            headline=spec.headline,
            kicker=spec.kicker,
            teaser=spec.teaser,
            body=spec.body,
            language=spec.language,
            section=self.sections[spec.section],
            lead_image=self.ensure_image(spec.image, spec.slug),
            desk_editor=self.authors.get(spec.desk),
            top_story_rank=spec.top_story_rank,
            **self.translation_fields(spec),
        )
        for position, code in enumerate(spec.authors):
            Byline.objects.create(article=article, author=self.authors[code], position=position)
        article.tags.add(*spec.tags)
        self.run_workflow(article, spec)
        for kind, hours, text in spec.updates:
            when = article.published_at + timedelta(hours=hours)
            ArticleUpdate.objects.create(article=article, kind=kind, text=text, created_at=when)
        self.result.created["articles"] += 1

    def translation_fields(self, spec):
        if not spec.translated_from:
            return {}
        original = Article.objects.get(slug=spec.translated_from)
        return {
            "translation_of": original,
            "original_language": original.language,
            "translation_method": Article.TranslationMethod.MACHINE_ASSISTED,
        }

    def ensure_image(self, spec, name):
        image = Image.objects.filter(alt_text=spec.alt, credit=DEMO_CREDIT).first()
        if image is not None:
            return image
        image = Image(
            alt_text=spec.alt,
            caption=spec.caption,
            credit=DEMO_CREDIT,
            uploaded_by=self.users["chief"],
        )
        picture = landscape_jpeg(PALETTES[spec.palette], spec.scene, seed=name)
        accept_upload(named_file(picture, f"{name}.jpg")).apply_to(image)  # as an upload would
        image.save()
        self.result.created["images"] += 1
        return image

    def run_workflow(self, article, spec):
        """Take the new draft to its demo state through the one door, as the chief editor."""
        for action in WORKFLOW_PATHS[spec.state]:
            rule = TRANSITIONS[action]
            publishing = rule.target == Article.Status.PUBLISHED
            transition(
                article,
                action,
                self.users["chief"],
                spec.note if rule.needs_note else "",
                publish_at=self.now + timedelta(hours=spec.hours) if publishing else None,
            )


def named_file(content, name):
    # Without a name, ImageField takes the content for "no file" and records no width/height.
    return ContentFile(content, name=name)


def jpeg_bytes(picture):
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def darker(colour, factor):
    return tuple(int(channel * factor) for channel in ImageColor.getrgb(colour))


def portrait_jpeg(initials, colour):
    """A coloured square with the author's initials: a stand-in for a portrait photo."""
    picture = PILImage.new("RGB", PORTRAIT_SIZE, colour)
    font = ImageFont.load_default(size=150)
    centre = (PORTRAIT_SIZE[0] // 2, PORTRAIT_SIZE[1] // 2)
    ImageDraw.Draw(picture).text(centre, initials, font=font, fill="white", anchor="mm")
    return jpeg_bytes(picture)


def landscape_jpeg(palette, scene, seed):
    """A 1600x900 landscape: a sky gradient, a sun, and hills, a city or the sea in front.

    `seed` makes the same article get the same picture on every machine.
    """
    rng = random.Random(seed)
    # Colour a one-pixel-wide column and stretch it sideways: ten times faster than colouring
    # the full picture, and the sky is the same in every column anyway.
    column = PILImage.linear_gradient("L").resize((1, LEAD_SIZE[1]))
    sky = ImageOps.colorize(column, palette.sky_top, palette.sky_bottom)
    picture = sky.resize(LEAD_SIZE, PILImage.Resampling.NEAREST)
    draw = ImageDraw.Draw(picture)
    x, y = rng.randrange(200, 1400), rng.randrange(120, 360)
    draw.ellipse((x - 80, y - 80, x + 80, y + 80), fill=palette.sun)
    SCENES[scene](draw, rng, palette)
    return jpeg_bytes(picture)


def draw_hills(draw, rng, palette):
    width, height = LEAD_SIZE
    for layer, horizon in enumerate((520, 660)):
        ridge = [(x, horizon + rng.randint(-90, 90)) for x in range(0, width + 1, 200)]
        colour = darker(palette.ground, 1 - 0.3 * layer)
        draw.polygon([(0, height), *ridge, (width, height)], fill=colour)


def draw_city(draw, rng, palette):
    width, height = LEAD_SIZE
    x = 0
    while x < width:
        block = rng.randint(60, 170)
        draw.rectangle((x, rng.randint(420, 700), x + block, height), fill=palette.ground)
        x += block + rng.randint(0, 24)


def draw_sea(draw, rng, palette):
    width, height = LEAD_SIZE
    draw.rectangle((0, 620, width, height), fill=darker(palette.sky_top, 0.6))
    for y in range(650, height, 45):
        shift = rng.randint(0, 120)
        for x in range(-shift, width, 160):
            draw.arc((x, y, x + 90, y + 26), 200, 340, fill=palette.sky_bottom, width=4)


SCENES = {"hills": draw_hills, "city": draw_city, "sea": draw_sea}
