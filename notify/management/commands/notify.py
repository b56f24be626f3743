"""`veche notify due` — the sweep: e-mails that waited for their window or failed, and the
daily digests after their hour; `veche notify digests [--day YYYY-MM-DD]` — the digests now.
A worker (or cron) runs `due` every few minutes; both are safe to run twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from notify import delivery


class Command(BaseCommand):
    help = "Send notification e-mails that are due (due), or the daily digests (digests)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["due", "digests"])
        parser.add_argument("--day", help="the digests of this day (YYYY-MM-DD); today by default")

    def handle(self, *args, what, day=None, **options):
        if what == "digests":
            try:
                chosen = date.fromisoformat(day) if day else None
            except ValueError as exc:
                raise CommandError(f"--day takes a date as 2026-12-06, not {day!r}.") from exc
            counts = delivery.send_digests(chosen)
        else:
            counts = delivery.send_due()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing to send")
