from django.core.management.base import BaseCommand

from scheduling import services


class Command(BaseCommand):
    help = ("Create or repair the periodic tasks: the weekly recommendations (each site once its local week "
            "turns, Monday 04:30 in its scheme's zone), the outbox sweeper (every 5 minutes: notifications and scheme "
            "settings changes the broker dropped) and the "
            "overdue issues' digest and reminders (daily, 07:00 Europe/London), the volunteer register's reminder to the "
            "managers (Mondays, 07:00) and its anonymisation of leavers past the keeping time (nightly). "
            "Safe to run again.")

    def handle(self, *args, **options):
        for name in services.schedules_setup():
            self.stdout.write(f"Scheduled: {name}")
