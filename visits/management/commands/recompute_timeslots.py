from django.core.management.base import BaseCommand, CommandError

from visits import services
from visits.models import Scheme


class Command(BaseCommand):
    help = ("Put every stored report back in the cell its arrival falls in under its scheme's current "
            "time zone and bands. A change of a scheme's bands or time zone queues this for the scheme; run it by hand to repair.")

    def add_arguments(self, parser):
        parser.add_argument("--scheme", type=int, help="Only this scheme's id (default: every scheme).")

    def handle(self, *args, scheme=None, **options):
        schemes = Scheme.objects.all() if scheme is None else Scheme.objects.filter(pk=scheme)
        if scheme is not None and not schemes.exists():
            raise CommandError(f"No scheme with id {scheme}.")
        for each in schemes:
            moved = services.timeslots_recompute(scheme=each)
            self.stdout.write(f"{each.name}: {moved} report(s) moved to another cell.")
