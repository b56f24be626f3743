"""veche tasks: what the queue holds — failed tasks first — and re-running one.

    veche tasks                    failed and queued tasks (running ones with --all)
    veche tasks --failed           failed tasks only, with their last error
    veche tasks --rerun ID         put a failed task back in the queue
    veche tasks --reap             give back the tasks of workers that died
    veche tasks --prune-done DAYS  forget idempotency keys older than DAYS days
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import queue


class Command(BaseCommand):
    help = "List failed and queued background tasks; re-run a failed one."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="failed tasks only")
        parser.add_argument("--all", action="store_true", help="running tasks too")
        parser.add_argument("--limit", type=int, default=100)
        parser.add_argument("--rerun", metavar="ID", help="re-run this failed task")
        parser.add_argument("--reap", action="store_true", help="take back the tasks of dead workers")
        parser.add_argument("--prune-done", type=int, metavar="DAYS",
                            help="delete idempotency keys older than DAYS days")

    def handle(self, failed, all, limit, rerun, reap, prune_done, **options):
        if rerun:
            if not queue.rerun(rerun):
                raise CommandError(f"No failed task has the id {rerun!r} (veche tasks --failed lists them).")
            self.stdout.write(f"Task {rerun} is queued again.")
            return
        if reap:
            self.stdout.write(f"{queue.reap()} task(s) of dead workers queued again.")
            return
        if prune_done is not None:
            if prune_done < 1:
                raise CommandError("--prune-done takes a number of days, 1 or more.")
            from core.models import DoneKey

            n, _ = DoneKey.objects.filter(done_at__lt=timezone.now() - timedelta(days=prune_done)).delete()
            self.stdout.write(f"{n} idempotency key(s) deleted.")
            return
        statuses = ["FAILED"] if failed else ["FAILED", "READY", *(["RUNNING"] if all else [])]
        depth = queue.depth()
        self.stdout.write(f"{queue.mode()} queue: {depth['queued']} queued, {depth['running']} running, "
                          f"{depth['failed']} failed")
        if left := queue.left_in_default():
            self.stdout.write(f"RQ's queue \"default\" holds {left} task(s) left by an earlier version: on a Redis "
                              "this site has to itself, a worker started with --also-queue default runs them "
                              "(docs/deploy.md, Upgrading).")
        for row in queue.rows(statuses, limit):
            when = row.enqueued_at.strftime("%Y-%m-%d %H:%M:%S") if row.enqueued_at else "-"
            line = f"{row.status:8} {row.id}  {when}  {row.task}({', '.join(map(repr, row.args))[:80]})"
            self.stdout.write(line + (f"\n         {row.error[:200]}" if row.error else ""))
