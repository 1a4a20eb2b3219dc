from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from articles import renditions
from articles.models import Image


class Command(BaseCommand):
    help = (
        "Make every rendition of every image (or of the given ones) and delete those no "
        "longer used: after the sizes changed, or a focal point moved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--image",
            dest="images",
            type=int,
            nargs="+",
            action="extend",
            metavar="ID",
            help="Only these images (their ids, as in the admin's address of the image).",
        )
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="Make only the renditions that do not exist yet; keep the others as they are.",
        )

    def handle(self, *args, images=None, missing_only=False, verbosity=1, **options):
        queryset = Image.objects.order_by("pk")
        if images:
            unknown = set(images) - set(
                queryset.filter(pk__in=images).values_list("pk", flat=True)
            )
            if unknown:
                ids = ", ".join(str(pk) for pk in sorted(unknown))
                raise CommandError(f"No image with id {ids}: the admin's image list has the ids.")
            queryset = queryset.filter(pk__in=images)
        total = queryset.count()
        made = removed = 0
        failed = []
        for number, image in enumerate(queryset.iterator(), 1):
            try:
                result = renditions.rebuild(image, missing_only=missing_only)
            except (renditions.MasterUnreadable, OSError, ValueError) as error:
                failed.append((image.pk, str(error)))
                self.stderr.write(f"[{number}/{total}] image {image.pk}: failed: {error}")
                continue
            made += result.made
            removed += result.removed
            if verbosity >= 1:
                self.stdout.write(
                    f"[{number}/{total}] image {image.pk} ({image.file.name}): "
                    f"{result.made} made, {result.removed} stale removed"
                )
        orphans = 0 if images else renditions.sweep_orphans(default_storage)
        if verbosity >= 1:
            self.stdout.write(
                f"{total} images: {made} renditions made, {removed} stale removed, "
                f"{orphans} files of deleted images removed, {len(failed)} failed."
            )
        if failed:
            reasons = "; ".join(f"image {pk}: {reason}" for pk, reason in failed)
            raise CommandError(f"{len(failed)} of {total} images failed: {reasons}")
