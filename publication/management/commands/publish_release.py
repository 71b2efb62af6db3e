"""Publish a scheme's completed quarter or financial year (or a correction of it) from the command line,
through the same service as the manager's page and the API."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from publication.serializers import PERIOD
from publication.services import release_publish, settings_for
from visits.models import Scheme


class Command(BaseCommand):
    help = "Publish a completed period's figures: --scheme NAME --period 2024 (a financial year) or 2024-Q1."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="The scheme's name.")
        parser.add_argument("--period", required=True, help="2024 for 2024/25, or 2024-Q1 for April-June 2024.")
        parser.add_argument("--note", default="", help="What a correction changes (needed once the period has a release).")

    def handle(self, *args, scheme, period, note, **options):
        found = Scheme.objects.filter(name=scheme).first()
        match = PERIOD.match(period)
        if found is None or match is None:
            raise CommandError("No such scheme." if found is None else "Give the period as 2024 or 2024-Q1.")
        try:
            release = release_publish(scheme=found, fy=int(match["fy"]), quarter=int(match["quarter"] or 0),
                                      user=None, note=note)
        except ValidationError as error:
            raise CommandError("; ".join(m for messages in error.message_dict.values() for m in messages)) from None
        self.stdout.write(f"Published {release.period_label}, version {release.version}: "
                          f"/public/{settings_for(found).slug}/releases/{release.pk}/")
