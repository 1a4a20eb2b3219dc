from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from articles.demo import load_demo

# Where `make run` serves the site by default (the Makefile's HOST and PORT).
SITE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Load an invented demo newsroom (sections, authors, articles in every workflow state) "
        "and one login per role. Safe to run again: it adds only what is missing and gives "
        "the demo logins new passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", default=SITE_URL, help="Where the site is served, for the printout."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Never on a public site: the logins it prints "
            "are staff accounts.",
        )

    def handle(self, *args, force=False, site_url=SITE_URL, **options):
        # The printed passwords open staff accounts: keep them off production databases.
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production database. load_demo creates "
                "staff logins and prints their passwords. Run it with DEBUG=true on a "
                "development machine, or add --force if this database is really a throwaway."
            )
        result = load_demo()
        if result.already_present:
            self.stdout.write("Demo content already present; nothing added.")
        else:
            created = ", ".join(f"{n} {what}" for what, n in result.created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Demo newsroom loaded: created {created}."))
        self.write_logins(result.logins, site_url.rstrip("/"))

    def write_logins(self, logins, site_url):
        self.stdout.write(f"\nSite:  {site_url}/\nAdmin: {site_url}{reverse('admin:index')}\n")
        rows = [("Username", "Role", "Password")]
        rows += [(login.username, login.role, login.password) for login in logins]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  " + "  ".join(cells).rstrip())
        self.stdout.write("\nThese passwords are new on every run of load_demo.")
        if settings.DESK_2FA_REQUIRED:
            self.stdout.write(
                "Editors, chief editors and the superuser set up a second factor (an "
                "authenticator app) at their first sign-in."
            )
        else:
            self.stdout.write(
                "DESK_2FA_REQUIRED=false (development only): these demo logins skip the "
                "second factor; every other account still needs one."
            )
