"""veche worker: run background tasks (e-mails, notification fan-out, webhooks).

Started like `veche serve`, as many as the work needs, on any machine that reaches the
database (and Redis in scale-out). SIGTERM or SIGINT lets the task under way finish; a worker
killed outright loses nothing: its task is taken back and run again (core.queue)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import dbrouter, queue


class Command(BaseCommand):
    help = "Run background tasks from the queue (database when embedded, Redis in scale-out)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5,
                            help="database queue: seconds between two looks when idle (default 0.5)")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")
        parser.add_argument("--also-queue", action="append", default=[], metavar="NAME",
                            help="Redis: also run the tasks waiting in this RQ queue — `default`, the "
                                 "queue of versions before each site had its own (docs/deploy.md)")

    def handle(self, interval, batch, also_queue, **options):
        if queue.mode() not in ("database", "redis"):
            raise CommandError("The task backend is 'immediate' (tasks run inside requests): no worker needed. "
                               "Unset VECHE_TASKS_BACKEND to use the queue.")
        if interval < 0:
            raise CommandError("--interval must be zero or more seconds.")
        if also_queue and queue.mode() != "redis":
            raise CommandError("--also-queue names an RQ queue: the database queue is the site's own already.")
        known = settings.TASKS["default"].get("QUEUES", [])
        unknown = [name for name in also_queue if name not in known]
        if unknown:  # its tasks would fail: read back, they name a queue the backend does not take
            raise CommandError(f"--also-queue {unknown[0]}: not a queue of this site's tasks "
                               f"(these are: {', '.join(known)}).")
        # A task runs right after the commit that asked for it: a worker reads from the primary
        # (a replica may not have the pick, the vote or the comment yet, and a task that read
        # it as missing would tell no one and not run again).
        dbrouter.pin_to_primary(True)
        queue.run_worker(interval=interval, batch=batch, also=also_queue)
