from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import exporting

STATUSES = ("draft", "review", "scheduled", "published", "withdrawn")


class Command(BaseCommand):
    help = (
        "Write articles as our JSON export (which import_articles reads back) or as IPTC "
        "ninjs, one article at a time, to standard output or a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("json", "ninjs"), default="json")
        parser.add_argument(
            "--status", choices=STATUSES,
            help="Only articles in this state; “published” means what readers see now.",
        )
        parser.add_argument(
            "--since", metavar="DATE",
            help="Only articles changed since then: 2025-01-31 or 2025-01-31T08:00+01:00.",
        )
        parser.add_argument("--output", type=Path, metavar="FILE",
                            help="Write here instead of standard output.")
        parser.add_argument(
            "--media-dir", type=Path, metavar="DIR",
            help="Copy the lead images into this folder; give the same folder to "
            "import_articles --media-dir.",
        )
        parser.add_argument(
            "--site-url", metavar="URL", default=settings.NEWSROOM_URL,
            help="The site's public address, e.g. https://news.example.org, for the absolute "
            "picture addresses ninjs needs (default: the NEWSROOM_URL setting).",
        )

    def handle(self, *args, format, status, since, output, media_dir, site_url, verbosity=1,
               **options):
        site_url = (site_url or "").rstrip("/")
        relative_media = not self.absolute(default_storage.url("picture.jpg"))
        if format == "ninjs" and relative_media and not self.absolute(site_url):
            raise CommandError(
                "ninjs names pictures by absolute address: set NEWSROOM_URL or pass "
                "--site-url https://news.example.org."
            )
        if media_dir:
            media_dir.mkdir(parents=True, exist_ok=True)
        if output and not output.parent.is_dir():
            raise CommandError(f"{output.parent} does not exist: create it or write elsewhere.")
        articles = exporting.articles_to_export(status=status, since=self.moment(since))
        out = output.open("w", encoding="utf-8") if output else self.stdout._out
        try:
            if format == "json":
                count = exporting.write_json(out, articles, media_dir=media_dir)
            else:
                count = exporting.write_ninjs(out, articles, site_url=site_url,
                                              media_dir=media_dir)
        finally:
            if output:
                out.close()
        if verbosity >= 1 and output:
            self.stdout.write(f"Exported {count} articles to {output}.")
        elif verbosity >= 1:
            self.stderr.write(f"Exported {count} articles.")

    def absolute(self, url):
        return urlsplit(url or "").scheme in ("http", "https")

    def moment(self, value):
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(
                f"--since {value!r} is not a date: write 2025-01-31 or 2025-01-31T08:00+01:00."
            ) from None
        return parsed if parsed.tzinfo else timezone.make_aware(parsed)
