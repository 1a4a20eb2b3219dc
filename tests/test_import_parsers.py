"""The import parsers turn real-world exports, feeds and agency files into neutral records.

Every file in ../shared/testdata has an expectation below, so a file added there without
one fails `test_every_testdata_file_has_an_expectation`. The parsers never touch the
database: none of these tests needs `db`.
"""

import json
import os
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from articles.importers import PARSERS, feeds, ninjs, wpcontent, wxr
from articles.importers.detect import detect_format, detect_format_of
from articles.importers.records import (
    ArticleRecord,
    ImportFileError,
    RefusedItem,
    SkippedItem,
    VideoRecord,
)

# In CI the repository is cloned next to a copy of shared/, as on a developer's machine.
TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"

# path: (detected format, articles, skipped, refused), or the start of the ImportFileError
# message for files refused whole, or None for files that are not import files at all.
EXPECTED = {
    "README.md": None,
    # WordPress: 1 page and 3 attachments skipped.
    "wxr/nikola-wordpress_export_example.xml": ("wxr", 4, 4, 0),
    "wxr/wpimporter-crazy-cdata.xml": "wpimporter-crazy-cdata.xml is not well-formed XML",
    "wxr/wpimporter-malformed.xml": "wpimporter-malformed.xml is not well-formed XML",
    # 5 pages and 1 private post skipped.
    "wxr/wpimporter-small-export.xml": ("wxr", 5, 6, 0),
    "wxr/wpimporter-test-serialized-postmeta-with-cdata.xml": ("wxr", 1, 0, 0),
    "wxr/wpimporter-valid-wxr-1.0.xml": ("wxr", 3, 3, 0),
    "wxr/wpimporter-valid-wxr-1.1.xml": ("wxr", 1, 1, 0),
    "wxr/wpimporter-wxr-utf-8-challenges.xml": ("wxr", 1, 0, 0),
    "wxr/wptrt-theme-preview.xml": ("wxr", 7, 0, 0),
    # 51 posts; 21 pages, 38 attachments and 70 menu items skipped.
    "wxr/wptrt-themeunittestdata.wordpress.xml": ("wxr", 51, 129, 0),
    "feeds/rsparser-DaringFireball.atom": ("atom", 48, 0, 0),
    "feeds/rssparser-encoding.rss": ("rss", 40, 0, 0),
    "feeds/rssparser-feedburner.atom": ("atom", 25, 0, 0),
    "feeds/rssparser-guardian.rss": ("rss", 55, 0, 0),
    "feeds/rssparser-heise.atom": ("atom", 15, 0, 0),
    "feeds/rssparser-nhs-feed.rss": ("rss", 2, 0, 0),
    "feeds/rssparser-reddit.rss": ("rss", 24, 0, 0),
    # The standard's examples: 002 has no headline (refused), 006 is a photo, 008 an event.
    **{
        f"ninjs/{version}/{name}": expected
        for version in ("1.6", "2.2", "3.1")
        for name, expected in {
            "001_simple_example.json": ("ninjs", 1, 0, 0),
            "002_renditions_example.json": ("ninjs", 0, 0, 1),
            "003_associations_example.json": ("ninjs", 1, 0, 0),
            "004_simple_text_article.json": ("ninjs", 1, 0, 0),
            "005_complex_text_article.json": ("ninjs", 1, 0, 0),
            "006_photo_only.json": ("ninjs", 0, 1, 0),
            "007_multimedia.json": ("ninjs", 1, 0, 0),
        }.items()
    },
    "ninjs/3.1/008_event.json": ("ninjs", 0, 1, 0),
    "ninjs/2.1/SIPA_image_2.json": ("ninjs", 0, 1, 0),
    "ninjs/2.1/ap_audio.json": ("ninjs", 0, 1, 0),
    "ninjs/2.1/ap_image.json": ("ninjs", 0, 1, 0),
    "ninjs/2.1/ap_video.json": ("ninjs", 0, 1, 0),
    "ninjs/2.1/businesswire-newsml-20130605006126.json": ("ninjs", 1, 0, 0),
    "ninjs/2.1/businesswire-newsml-20130731006140.json": ("ninjs", 1, 0, 0),
    "ninjs/2.1/dpa_text.json": ("ninjs", 1, 0, 0),
    "ninjs/2.1/imageEncodedRights.json": ("ninjs", 0, 1, 0),
    "ninjs/2.1/imageLinkedRights.json": ("ninjs", 0, 1, 0),
    "ninjs/2.1/ninjsExSimpleText_2.json": ("ninjs", 1, 0, 0),
    "ninjs/2.1/ntb_text.json": ("ninjs", 1, 0, 0),
    "ninjs/2.1/tt_text_image_2.json": ("ninjs", 1, 0, 0),
    "ninjs/2.1/schema-extension/extension-example.json": ("ninjs", 1, 0, 0),
    # JSON schemas, not news items.
    "ninjs/2.1/schema-extension/extension-schema.json": None,
    "ninjs/schemas/GeoJSON-schema.json": None,
    "ninjs/schemas/ninjs-schema_1.6.json": None,
    "ninjs/schemas/ninjs-schema_2.2.json": None,
    "ninjs/schemas/ninjs-schema_3.1.json": None,
}


@pytest.fixture(scope="module")
def testdata():
    if not TESTDATA.is_dir():
        message = f"{TESTDATA} is missing: the real-world import files live in ../shared/testdata"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return TESTDATA


def parsed(path):
    return list(PARSERS[detect_format(path)](path))


def counts(items):
    kinds = Counter(type(item) for item in items)
    return kinds[ArticleRecord], kinds[SkippedItem], kinds[RefusedItem]


def article(items, headline):
    return next(
        item for item in items if isinstance(item, ArticleRecord) and item.headline == headline
    )


def test_every_testdata_file_has_an_expectation(testdata):
    found = {
        path.relative_to(testdata).as_posix() for path in testdata.rglob("*") if path.is_file()
    }
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_testdata_file_is_detected_and_parsed_with_expected_counts(testdata, name):
    path = testdata / name
    expected = EXPECTED[name]
    if expected is None:
        assert detect_format(path) is None
    elif isinstance(expected, str):
        with pytest.raises(ImportFileError, match="^" + expected):
            list(PARSERS[detect_format(path)](path))
    else:
        assert detect_format(path) == expected[0]
        items = parsed(path)
        assert counts(items) == expected[1:]
        for item in items:
            if isinstance(item, ArticleRecord):
                assert item.source and item.external_id and item.headline
                assert item.published_at is None or item.published_at.utcoffset() is not None


# WordPress


@pytest.fixture(scope="module")
def unit_test_data(testdata):
    return list(wxr.parse(testdata / "wxr/wptrt-themeunittestdata.wordpress.xml"))


def test_wxr_post_has_headline_author_section_tags_and_utc_date(unit_test_data):
    post = article(unit_test_data, "Post Format: Standard")
    assert post.source == "wxr:wpthemetestdata.wordpress.com"
    assert post.external_id == "https://wpthemetestdata.wordpress.com/?p=358#358"
    assert [(a.name, a.login) for a in post.authors] == [("Theme Buster", "themedemos")]
    assert post.authors[0].email == "themeshaperwp+demos@gmail.com"
    assert post.section == "Classic"
    assert post.tags == ["Post Formats", "readability", "standard"]
    assert post.published_at == datetime(2010, 10, 5, 7, 27, 25, tzinfo=UTC)
    assert post.status == "published"
    assert post.language == "en"
    assert post.teaser.startswith("All children, except one, grow up.")
    assert len(post.teaser) <= 300
    # Prose in brackets is not a shortcode.
    assert "[simple boat]" in post.body_html


def test_wxr_posts_sharing_a_guid_get_distinct_external_ids(unit_test_data):
    ids = [item.external_id for item in unit_test_data if "?p=582#" in item.external_id]
    assert ids == [
        "https://wpthemetestdata.wordpress.com/?p=582#582",
        "https://wpthemetestdata.wordpress.com/?p=582#1161",
    ]


def test_wxr_status_mapping_never_makes_hidden_posts_public(unit_test_data, testdata):
    scheduled = article(unit_test_data, "Scheduled")
    assert scheduled.status == "scheduled"
    assert scheduled.published_at == datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC)
    assert article(unit_test_data, "Draft").status == "draft"
    protected = article(unit_test_data, 'Template: Password Protected (the password is "enter")')
    assert protected.status == "draft"
    assert any("password-protected" in note for note in protected.notes)

    small = list(wxr.parse(testdata / "wxr/wpimporter-small-export.xml"))
    private = next(item for item in small if item.external_id == "http://localhost/?p=13#13")
    assert isinstance(private, SkippedItem)
    assert "private" in private.reason
    draft = next(
        iter(wxr.parse(testdata / "wxr/wpimporter-test-serialized-postmeta-with-cdata.xml"))
    )
    assert (draft.status, draft.published_at) == ("draft", None)  # "0000-00-00 00:00:00"


def test_wxr_skips_pages_attachments_and_menu_items_with_a_reason(unit_test_data):
    skipped = Counter(item.kind for item in unit_test_data if isinstance(item, SkippedItem))
    assert skipped == {"page": 21, "attachment": 38, "nav_menu_item": 70}
    page = next(item for item in unit_test_data if isinstance(item, SkippedItem))
    assert page.reason


def test_wxr_caption_shortcode_becomes_a_figure(unit_test_data):
    post = article(unit_test_data, "Post Format: Image (Caption)")
    assert post.body_html == (
        '<figure><a href="https://wpthemetestdata.files.wordpress.com/2008/06/100_5478.jpg">'
        '<img class="wp-image-754 size-large" '
        'src="https://wpthemetestdata.files.wordpress.com/2008/06/100_5478.jpg?w=604" '
        'alt="Bell on Wharf" width="604" height="453" /></a>'
        "<figcaption>Bell on wharf in San Francisco</figcaption></figure>"
    )


def test_wxr_featured_image_resolves_to_its_attachment(unit_test_data):
    post = article(unit_test_data, "Template: Featured Image (Horizontal)")
    image = post.lead_image
    assert image.url == (
        "https://wpthemetestdata.files.wordpress.com/2013/03/featured-image-horizontal.jpg"
    )
    assert image.alt_text == "Horizontal Featured Image"
    captioned = article(unit_test_data, "Post Format: Image (Caption)").lead_image
    assert captioned.caption == "It’s dangerous to go alone! Take this."


def test_wxr_videos_leave_the_body_and_other_embeds_become_links(unit_test_data):
    youtube = article(unit_test_data, "Post Format: Video (YouTube)")
    assert youtube.videos == [
        VideoRecord(
            url="https://www.youtube.com/watch?v=SQEQr7c0-dw",
            provider="youtube",
            title="Post Format: Video (YouTube)",
        )
    ]
    assert "youtube.com" not in youtube.body_html
    embeds = article(unit_test_data, "Block category: Embeds")
    assert [video.url for video in embeds.videos] == ["https://youtu.be/ex8fMxXJDJw"]
    assert '<a href="https://twitter.com/WordPress/status/1057136472321613824">' in embeds.body_html
    assert "kept the twitter.com embed as a plain link" in embeds.notes
    assert "<!-- wp:" not in embeds.body_html


def test_wxr_unknown_shortcodes_are_removed_and_reported(unit_test_data):
    gallery = article(unit_test_data, "Post Format: Gallery")
    assert "[gallery" not in gallery.body_html
    assert "removed unknown shortcode [gallery] (10×)" in gallery.notes
    assert "<h2>Nine Columns</h2>" in gallery.body_html


def test_wxr_title_markup_is_plain_text_and_missing_titles_are_noted(unit_test_data):
    assert article(unit_test_data, "Markup: Title With Markup")
    untitled = next(
        item
        for item in unit_test_data
        if "no title in the export" in " ".join(getattr(item, "notes", []))
    )
    assert untitled.headline.startswith("This post has no title")


def test_wxr_german_export(testdata):
    items = list(wxr.parse(testdata / "wxr/nikola-wordpress_export_example.xml"))
    post = article(items, "Arzt+Pfusch - S.I.C.K.")
    assert post.language == "de"
    assert post.source == "wxr:some.blog"
    assert post.section == "Musik"
    assert "Gerade bin ich über das Album <em>S.I.C.K</em>" in post.body_html
    assert post.authors[0].name == "Niko"
    transformed = article(items, "Transformation test")
    assert (transformed.section, transformed.tags) == ("Musik", ["Unterhaltung", "Bild", "Werbung"])
    # The old [caption caption="…"] form, and [sourcecode] as a code block.
    assert "<figcaption>caption test</figcaption></figure>" in transformed.body_html
    assert "<pre><code>import sys\nprint sys.version</code></pre>" in transformed.body_html
    assert transformed.published_at == datetime(2007, 4, 27, 13, 2, 35, tzinfo=UTC)


def test_wxr_utf8_challenges_survive_untouched(testdata):
    [post] = wxr.parse(testdata / "wxr/wpimporter-wxr-utf-8-challenges.xml")
    assert post.headline == (
        '"The Road \u202eNot\u202c Taken" by Rob\u202dert \u202eFrost \u202a\U0001f332\u202c'
    )
    assert post.section.endswith(" \U0001f3ad")
    assert post.authors[0].login == "admin\u200c\u200b\u200d\u200e"
    assert post.authors[0].name.startswith("A\u0338\u0330\u0305d")
    assert "السلام عليكم" in post.body_html
    assert post.updated_at == datetime(2024, 6, 10, 12, 28, 55, tzinfo=UTC)


def test_wxr_older_formats(testdata):
    legacy = list(wxr.parse(testdata / "wxr/wpimporter-valid-wxr-1.0.xml"))
    alpha = article(legacy, "Alpha post")
    assert (alpha.section, alpha.tags) == ("alpha", ["news", "roar"])
    preview = list(wxr.parse(testdata / "wxr/wptrt-theme-preview.xml"))
    hierarchy = article(preview, "Category Hierarchy")
    assert hierarchy.external_id == "http://wordpress.org/extend/themes-preview/?p=4"
    assert hierarchy.section == "First Child Category"
    assert "Parent" in hierarchy.tags
    john = next(iter(wxr.parse(testdata / "wxr/wpimporter-valid-wxr-1.1.xml")))
    assert john.authors[0].name == "John Doe"


def test_wxr_crazy_cdata_is_refused_with_the_place_and_the_cause(testdata):
    # "]]>" cannot appear in XML text. WordPress escapes it when it exports, so this file
    # was made by hand; guessing where its content ends could import the wrong text.
    with pytest.raises(ImportFileError) as refused:
        list(wxr.parse(testdata / "wxr/wpimporter-crazy-cdata.xml"))
    message = str(refused.value)
    assert "line 18, column 71" in message
    assert "CDATA" in message
    assert "nothing was imported" in message


def test_wxr_malformed_file_is_refused_before_any_record(testdata):
    records = wxr.parse(testdata / "wxr/wpimporter-malformed.xml")
    with pytest.raises(ImportFileError, match=r"mismatched tag, line 90, column 2"):
        next(records)


def test_an_rss_feed_is_not_taken_for_a_wordpress_export(testdata):
    with pytest.raises(ImportFileError, match="not a WordPress export"):
        list(wxr.parse(testdata / "feeds/rssparser-guardian.rss"))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>Laughs</title><link>https://example.org</link>
<item><title>&lol9;</title><guid>https://example.org/?p=1</guid><description>&lol9;</description>
<wp:post_id>1</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>Secrets</title><link>https://example.org</link>
<item><title>&secret;</title><guid>https://example.org/?p=1</guid><description>&secret;</description>
<wp:post_id>1</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
@pytest.mark.parametrize("parser", [wxr.parse, feeds.parse], ids=["wxr", "feed"])
def test_entity_attacks_are_refused_quickly(tmp_path, document, parser):
    path = tmp_path / "attack.xml"
    path.write_text(document)
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match=r"was refused: .*(DTD|entities)"):
        list(parser(path))
    assert time.perf_counter() - started < 1


def test_a_dtd_without_entities_is_refused_in_wordpress_exports(tmp_path):
    path = tmp_path / "dtd.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1/wxr.dtd">'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>'
    )
    with pytest.raises(ImportFileError, match="declares a document type"):
        list(wxr.parse(path))


def write_wxr(path, posts):
    """A WXR of `posts` posts; every 100th features an attachment that follows it."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><link>https://big.example.org</link>'
            "<wp:author><wp:author_login>ed</wp:author_login>"
            "<wp:author_display_name>Ed Itor</wp:author_display_name></wp:author>\n"
        )
        for n in range(1, posts + 1):
            featured = n % 100 == 0
            thumbnail = (
                f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                f"<wp:meta_value>{posts + n}</wp:meta_value></wp:postmeta>"
                if featured
                else ""
            )
            out.write(
                f"<item><title>Post {n}</title><dc:creator>ed</dc:creator>"
                f"<guid>https://big.example.org/?p={n}</guid><content:encoded>Paragraph one of "
                f"post {n}.\n\nParagraph two.</content:encoded><wp:post_id>{n}</wp:post_id>"
                "<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt><wp:status>publish"
                '</wp:status><wp:post_type>post</wp:post_type><category domain="category">News'
                f"</category>{thumbnail}</item>\n"
            )
            if featured:
                out.write(
                    f"<item><guid>https://big.example.org/{n}.jpg</guid><wp:post_id>{posts + n}"
                    "</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>"
                    f"https://big.example.org/{n}.jpg</wp:attachment_url></item>\n"
                )
        out.write("</channel></rss>\n")


def peak_memory_parsing(path):
    tracemalloc.start()
    try:
        articles = sum(isinstance(item, ArticleRecord) for item in wxr.parse(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return articles, peak


def test_wxr_streams_in_flat_memory(tmp_path):
    """Parsing 20,000 posts needs no more memory than parsing 2,000.

    Records are counted, not kept; attachment metadata (id, URL, alt, caption, credit) is
    the only state that grows with the export, a few hundred bytes per attachment.
    """
    write_wxr(tmp_path / "warm-up.xml", 10)
    list(wxr.parse(tmp_path / "warm-up.xml"))  # compiles regular expressions, imports lazily
    write_wxr(tmp_path / "small.xml", 2_000)
    write_wxr(tmp_path / "large.xml", 20_000)

    small_posts, small_peak = peak_memory_parsing(tmp_path / "small.xml")
    large_posts, large_peak = peak_memory_parsing(tmp_path / "large.xml")

    assert (small_posts, large_posts) == (2_000, 20_000)
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
    assert large_peak < (tmp_path / "large.xml").stat().st_size / 10


def test_wxr_featured_image_may_follow_its_post(tmp_path):
    write_wxr(tmp_path / "export.xml", 200)
    posts = [item for item in wxr.parse(tmp_path / "export.xml") if isinstance(item, ArticleRecord)]
    assert posts[99].lead_image.url == "https://big.example.org/100.jpg"
    assert posts[99].authors[0].name == "Ed Itor"
    assert [post.lead_image is not None for post in posts].count(True) == 2


def test_wordpress_content_conversion():
    converted = wpcontent.convert(
        "First line\nsecond line\n\n"
        '[caption id="attachment_1" credit="Jane Roe/Agency"]'
        '<img src="a.jpg" alt="A" /> A harbour[/caption]\n\n'
        "https://vimeo.com/123456789\n\n"
        "[embed]https://www.youtube.com/watch?v=SQEQr7c0-dw[/embed]\n\n"
        "[pullquote align=left]Quoted words[/pullquote] and [[gallery]] in prose"
    )
    assert converted.html == (
        "<p>First line<br>\nsecond line</p>\n"
        '<figure><img src="a.jpg" alt="A" /><figcaption>A harbour (Jane Roe/Agency)</figcaption>'
        "</figure>\n<p>Quoted words and [gallery] in prose</p>"
    )
    assert sorted((video.provider, video.url) for video in converted.videos) == [
        ("vimeo", "https://vimeo.com/123456789"),
        ("youtube", "https://www.youtube.com/watch?v=SQEQr7c0-dw"),
    ]
    assert converted.notes == ["removed unknown shortcode [pullquote]"]


# RSS and Atom


def test_guardian_feed_has_lead_images_creators_and_tags(testdata):
    items = list(feeds.parse(testdata / "feeds/rssparser-guardian.rss"))
    assert len(items) == 55
    assert all(item.lead_image for item in items)
    first = items[0]
    assert first.source == "feed:www.theguardian.com"
    assert (
        first.headline == "Trump State of the Union address promised unity but emphasized discord"
    )
    assert first.external_id == (
        "https://www.theguardian.com/us-news/2018/jan/31/"
        "donald-trump-state-of-the-union-address-unity-discord"
    )
    assert [author.name for author in first.authors] == ["David Smith"]  # "… in Washington"
    assert first.tags[:2] == ["Donald Trump", "State of the Union address"]
    assert "?w=460&" in first.lead_image.url  # the larger of the two sizes
    assert first.lead_image.credit == "Networ/Sipa USA/REX/Shutterstock"
    assert first.published_at == datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert first.language == "en"
    assert first.status == "published"
    assert first.teaser.startswith("The president’s ‘new American moment’ speech")


def test_heise_atom_feed_keeps_german_text_and_time_zones(testdata):
    items = list(feeds.parse(testdata / "feeds/rssparser-heise.atom"))
    first = items[0]
    assert first.headline == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    assert first.teaser.startswith("Die nun verfügbare Version 10 des Enterprise-Java-Servers")
    assert first.published_at.isoformat() == "2016-02-01T17:22:00+01:00"
    assert first.published_at.utcoffset() == timedelta(hours=1)
    assert first.updated_at.isoformat() == "2016-02-01T17:54:50+01:00"
    assert first.external_id == "http://heise.de/-3088438"
    assert [author.name for author in first.authors] == ["heise online"]  # the feed's author


def test_iso_8859_1_feed_is_decoded(testdata):
    items = list(feeds.parse(testdata / "feeds/rssparser-encoding.rss"))
    first = items[0]
    assert first.headline == "Mãe de utente é a nova presidente da Raríssimas"
    assert first.language == "pt"
    assert first.tags == ["Nacional"]
    assert first.body_html.startswith("<p>Sónia Laygue, profissional")


def test_one_line_reddit_feed_and_typographic_titles(testdata):
    reddit = list(feeds.parse(testdata / "feeds/rssparser-reddit.rss"))
    assert reddit[0].headline == "The water is too deep, so he improvises"
    assert reddit[0].tags == ["funny"]
    fireball = list(feeds.parse(testdata / "feeds/rsparser-DaringFireball.atom"))
    assert fireball[0].headline == "The Talk Show: \u2018I Do Like Throwing a Baby\u2019"
    assert fireball[0].language == "en"
    assert fireball[0].authors[0].name == "John Gruber"


def test_broken_feed_with_entries_is_read_with_a_note(tmp_path):
    path = tmp_path / "broken.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>T</title><link>https://example.org/</link>'
        "<item><title>Fish & chips</title><guid>g-1</guid><description>Hot</description></item>"
        "</channel></rss>"
    )
    [item] = feeds.parse(path)
    assert item.headline == "Fish & chips"
    assert item.notes[0].startswith("the feed is not well-formed")


def test_a_file_that_is_not_a_feed_is_refused(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("this is <b>not a feed")
    with pytest.raises(ImportFileError, match="not a readable RSS or Atom feed"):
        list(feeds.parse(path))


def test_a_feed_file_holding_a_path_does_not_open_that_path(testdata, tmp_path):
    path = tmp_path / "pointer.rss"
    path.write_text(str(testdata / "feeds/rssparser-guardian.rss"))
    with pytest.raises(ImportFileError):
        list(feeds.parse(path))


# IPTC ninjs


def test_ninjs_versions_read_alike(testdata):
    for version in ("1.6", "2.2", "3.1"):
        [item] = ninjs.parse(testdata / f"ninjs/{version}/007_multimedia.json")
        assert item.headline == "Captain of wrecked cruise ship on trial in Italy"
        assert item.external_id == "http://ninjs.example.com/newsitems/20130709cplx456"
        assert [author.name for author in item.authors] == ["Paulo Santalucia", "Frances d'Emilio"]
        assert item.body_html.startswith("<p>GROSSETO, Italy (AP)")
        assert item.language == "en"
        assert item.published_at == datetime(2013, 7, 9, 10, 39, tzinfo=UTC)
        image = item.lead_image
        assert image.url.endswith("e3b904edbb3a-big.jpg")  # "main", not the small rendition
        assert image.caption.startswith("The Costa Concordia cruise ship lies on its side")
        assert image.credit == "Paulo Santalucia"


def test_dpa_text_is_german_with_its_reporter(testdata):
    [item] = ninjs.parse(testdata / "ninjs/2.1/dpa_text.json")
    assert item.language == "de"
    assert item.source == "ninjs:dpa"
    assert (item.external_id, item.version) == ("urn:newsml:dpa.com:20090101:190510-99-167362", "2")
    assert item.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert [author.name for author in item.authors] == ["Christian Hollmann"]  # not "dpa"
    assert "«der größte Skandal im Fußball seit Jahren»" in item.body_html
    assert item.published_at.isoformat() == "2019-05-10T16:02:28+02:00"


def test_agency_text_with_picture_and_subjects(testdata):
    [tt] = ninjs.parse(testdata / "ninjs/2.1/tt_text_image_2.json")
    assert tt.language == "sv"
    assert tt.tags == ["Krig, konflikter och oroligheter"]
    assert tt.lead_image.url.endswith("a001_NormalHires.jpg")  # the largest rendition
    assert tt.lead_image.credit == "Karl Melander/TT"
    assert "<h1>" not in tt.body_html  # the repeated headline
    [ntb] = ninjs.parse(testdata / "ninjs/2.1/ntb_text.json")
    assert ntb.tags == ["Innenriks", "Teknologi", "Industri", "Olje og energi"]
    assert ntb.body_html.startswith("<p>IT-giganten Google har kjøpt")
    assert "note from the agency: Noe utvidet." in ntb.notes


@pytest.mark.parametrize("name", ["ap_image.json", "ap_audio.json", "ap_video.json"])
def test_agency_media_items_are_skipped(testdata, name):
    [item] = ninjs.parse(testdata / "ninjs/2.1" / name)
    assert isinstance(item, SkippedItem)
    assert item.reason.startswith("not a text item")


def write_json(path, document):
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_ninjs_item_without_uri_is_refused_and_the_rest_imported(tmp_path):
    path = write_json(
        tmp_path / "batch.json",
        [
            {"uri": "urn:test:1", "headlines": [{"value": "Kept"}], "bodies": [{"value": "Text"}]},
            {"headlines": [{"value": "Lost"}], "bodies": [{"value": "Text"}]},
            "not an item",
        ],
    )
    kept, lost, junk = ninjs.parse(path)
    assert kept.headline == "Kept"
    assert kept.source == "ninjs:batch"
    assert lost == RefusedItem("Lost", "no uri")
    assert junk == RefusedItem("batch.json[2]", "not a JSON object")


def test_ninjs_publication_status(tmp_path):
    base = {"type": "text", "headlines": [{"value": "H"}], "bodies": [{"value": "B"}]}
    path = write_json(
        tmp_path / "status.json",
        [
            {**base, "uri": "urn:t:withheld", "pubstatus": "withheld"},
            {**base, "uri": "urn:t:canceled", "pubStatus": "canceled"},
            {**base, "uri": "urn:t:embargo", "embargoedUntil": "2031-05-01T06:00:00+02:00"},
            {**base, "uri": "urn:t:usable", "versioncreated": "2024-01-02T03:04:05Z"},
        ],
    )
    withheld, canceled, embargoed, usable = ninjs.parse(path)
    assert withheld.status == canceled.status == "withdrawn"
    assert embargoed.status == "scheduled"
    assert embargoed.published_at == datetime(2031, 5, 1, 4, 0, tzinfo=UTC)
    assert usable.status == "published"
    assert usable.version == "2024-01-02T03:04:05Z"


def test_invalid_json_is_refused(tmp_path):
    path = tmp_path / "item.json"
    path.write_text('{"uri": "urn:x", ')
    with pytest.raises(ImportFileError, match=r"item.json is not valid JSON \(.*line 1"):
        list(ninjs.parse(path))


# Format detection


def test_detects_our_own_export_format():
    assert (
        detect_format_of(b'{"format": "newsroom-export", "version": 1, "articles": []}') == "json"
    )
    assert detect_format_of(b"\xef\xbb\xbf<?xml version='1.0'?><feed xmlns='x'/>") == "atom"
    assert detect_format_of(b"plain text") is None
