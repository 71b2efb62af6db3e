"""The first scheme and its volunteer manager, so that someone can sign in to a new deployment."""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from visits import services
from visits.models import Role

PASSWORD_VARIABLE = "ICV_MANAGER_PASSWORD"


class Command(BaseCommand):
    help = (f"Create a scheme and its volunteer manager. The manager's password comes from {PASSWORD_VARIABLE}, "
            "or is asked for.")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The scheme's name, e.g. 'Northshire'.")
        parser.add_argument("--manager-username", required=True)
        parser.add_argument("--manager-email", required=True)
        parser.add_argument("--timezone", default="Europe/London")

    def handle(self, *args, name, manager_username, manager_email, timezone, **options):
        password = os.environ.get(PASSWORD_VARIABLE) or self._ask()
        try:
            validate_password(password)
            with transaction.atomic():
                scheme = services.scheme_create(name=name, timezone=timezone)
                services.user_create(username=manager_username, email=manager_email, password=password,
                                     role=Role.MANAGER, scheme=scheme)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Created {name} and its manager {manager_username}: sign in at /signin/."))

    @staticmethod
    def _ask() -> str:
        if not os.isatty(0):
            raise CommandError(f"Set {PASSWORD_VARIABLE}, or run this in a terminal to be asked for the password.")
        password = getpass.getpass("The manager's password: ")
        if password != getpass.getpass("Again: "):
            raise CommandError("The passwords differ.")
        return password
