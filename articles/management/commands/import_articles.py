import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.importers import PARSERS
from articles.importers.detect import FORMATS, detect_format
from articles.importers.records import ImportFileError
from articles.importing import ImportSummary, import_records

STATUS_CAPS = ("draft", "review", "published")


class Command(BaseCommand):
    help = (
        "Import articles from WordPress exports (WXR), RSS/Atom feeds, IPTC ninjs files or "
        "our own JSON export. Safe to run again: items are matched by (source, external id), "
        "so a second run updates instead of duplicating, and articles edited in the newsroom "
        "since their last import are left alone and reported as conflicts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH",
            help="Files to import; a folder imports every file in it (agencies deliver ninjs "
            "one file per item).",
        )
        parser.add_argument(
            "--format", choices=FORMATS,
            help="The files' format; guessed from each file if left out.",
        )
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Read, check and report everything, but write nothing.",
        )
        parser.add_argument(
            "--source",
            help="The name the items are kept under (default: from the file, e.g. "
            "“wxr:example.org”). Use the same one on every run of the same source.",
        )
        parser.add_argument("--section", help="Put every article in this section (by name).")
        parser.add_argument(
            "--status", choices=STATUS_CAPS,
            help="The highest status an article may get: lowers what the source says, never "
            "raises it (a source's draft never becomes public).",
        )
        parser.add_argument(
            "--media-dir", type=Path,
            help="The folder the export's image paths are relative to (WordPress: "
            "wp-content/uploads). Nothing outside it is read.",
        )
        parser.add_argument(
            "--limit", type=int, metavar="N", help="Stop after N articles (for a trial run)."
        )

    def handle(self, *args, paths, verbosity=1, **options):
        files = self.files(paths)
        if options["media_dir"] and not options["media_dir"].is_dir():
            raise CommandError(f"--media-dir {options['media_dir']} is not a folder.")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit needs a number of articles above 0.")
        summary = ImportSummary()
        unreadable = []
        bar = self.progress_bar(verbosity)
        for path in files:
            fmt = options["format"] or detect_format(path)
            if fmt is None:
                unreadable.append(
                    (path, "its format is not recognised; name it with --format "
                           "wxr|rss|atom|ninjs|json")
                )
                continue
            try:
                import_records(
                    PARSERS[fmt](path, source=options["source"]),
                    section_override=options["section"],
                    status_cap=options["status"],
                    media_dir=options["media_dir"],
                    dry_run=options["dry_run"],
                    limit=options["limit"],
                    progress=bar.update_item if bar else None,
                    summary=summary,
                )
            except ImportFileError as error:
                unreadable.append((path, str(error)))
            if verbosity >= 1 and not bar:
                self.stdout.write(f"{path}: read as {fmt}")
        if bar:
            bar.close()
        self.report(summary, unreadable, options["dry_run"], verbosity)

    def files(self, paths):
        files = []
        for name in paths:
            path = Path(name)
            if path.is_dir():
                files.extend(sorted(item for item in path.iterdir() if item.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{name} does not exist: give the path of an export file.")
        if not files:
            raise CommandError(f"No files in {', '.join(paths)}.")
        return files

    def progress_bar(self, verbosity):
        # A bar only where someone watches; pipes and logs get the summary alone.
        stream = getattr(self.stderr, "_out", sys.stderr)
        if verbosity < 1 or not stream.isatty():
            return None
        return ProgressBar(stream)

    def report(self, summary, unreadable, dry_run, verbosity):
        if verbosity >= 1:
            for key in summary.conflicts:
                self.stdout.write(f"conflict: {key}: edited in the newsroom since its last "
                                  "import; left as it is")
            for key, text in summary.warnings:
                self.stdout.write(f"warning: {key}: {text}")
            if summary.skipped:
                kinds = ", ".join(f"{n} {kind}" for kind, n in summary.skipped.most_common())
                self.stdout.write(f"skipped: {kinds}")
        if verbosity >= 2:
            for key, text in summary.notes:
                self.stdout.write(f"note: {key}: {text}")
        for key, reason in summary.refused:
            self.stderr.write(f"refused: {key}: {reason}")
        for path, reason in unreadable:
            self.stderr.write(f"not imported: {path}: {reason}")
        if verbosity >= 1 or summary.refused or unreadable:
            self.stdout.write(summary.line(dry_run=dry_run))
        if summary.refused or unreadable:
            problems = [f"{len(summary.refused)} items refused"] if summary.refused else []
            if unreadable:
                problems.append(f"{len(unreadable)} files not read ("
                                + ", ".join(path.name for path, _reason in unreadable) + ")")
            raise CommandError(
                " and ".join(problems) + ": the reasons are listed above. Fix the source "
                "files and run the same command again; what was imported stays, nothing "
                "is duplicated."
            )


class ProgressBar:
    def __init__(self, stream):
        self.bar = tqdm(file=stream, unit=" items", dynamic_ncols=True)

    def update_item(self, outcome):
        self.bar.update(1)

    def close(self):
        self.bar.close()
