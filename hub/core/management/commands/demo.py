"""``hub demo [--password PW] [--if-empty]``: load the demo organisation, spaces and documents."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hub.core.demo import DemoDataError, demo_logins, load_demo
from hub.core.models import DocumentPage
from hub.core.orgimport import OrgImportError

PASSWORD_VARIABLE = "HUB_DEMO_PASSWORD"
SITE_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Load demo data: departments, about 30 people, department and project spaces and "
        "about 60 documents with revisions. The superuser admin and every demo person get "
        "the given password. Running it again adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"password of admin and the demo people (default: ${PASSWORD_VARIABLE})",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the site already has documents (still prints the logins)",
        )

    def handle(self, *args, password: str | None, if_empty: bool, **options):
        password = password or os.environ.get(PASSWORD_VARIABLE)
        if not password:
            raise CommandError(
                _("Give the demo password with --password PW or the %(variable)s variable.")
                % {"variable": PASSWORD_VARIABLE}
            )
        if if_empty and DocumentPage.objects.exists():
            self.stdout.write(_("The site already has documents: the demo was not loaded."))
        else:
            try:
                load_demo(password, self.stdout)
            except (DemoDataError, OrgImportError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(_("The demo data is loaded.")))
        self._print_logins(password)

    def _print_logins(self, password: str) -> None:
        logins = demo_logins()
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and log in as:") % {"url": SITE_URL})
        width = max(len(login.username) for login in logins)
        for login in logins:
            where = f"{login.name}, {login.department}" if login.department else login.name
            self.stdout.write(f"  {login.username.ljust(width)}  {where} — {login.role}")
        self.stdout.write(
            _("Password: %(password)s (the same for every demo account)") % {"password": password}
        )
