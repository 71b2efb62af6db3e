from django.core.management.base import BaseCommand, CommandError

from visits.models import Scheme
from visits.rollup import rollup_differences, rollup_rebuild


class Command(BaseCommand):
    help = ("Check the roll-up that the KPIs read against the reports themselves (verify), or build it "
            "again from them (rebuild), e.g. after loading reports straight into the tables.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("verify", "rebuild"))
        parser.add_argument("--scheme", type=int, help="Only this scheme's id (default: every scheme).")

    def handle(self, *args, action, scheme=None, **options):
        schemes = Scheme.objects.order_by("pk") if scheme is None else Scheme.objects.filter(pk=scheme)
        if scheme is not None and not schemes.exists():
            raise CommandError(f"No scheme with id {scheme}.")
        wrong = 0
        for each in schemes:
            if action == "rebuild":
                rollup_rebuild(scheme=each)
            differences = rollup_differences(scheme=each)
            for line in differences[:20]:
                self.stdout.write(f"  {line}")
            if len(differences) > 20:
                self.stdout.write(f"  ... and {len(differences) - 20} more")
            verdict = "rebuilt and verified" if action == "rebuild" else "verified"
            self.stdout.write(f"{each.name}: {verdict}, " + (
                f"{len(differences)} difference(s) from the reports." if differences else "it matches the reports."))
            wrong += bool(differences)
        if wrong:
            raise CommandError(f"The roll-up differs from the reports in {wrong} scheme(s): run `rollup rebuild`.")
