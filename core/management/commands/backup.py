"""veche backup FILE: a consistent copy of the database while Veche keeps serving.

SQLite: the online backup API (readers and the writer go on). PostgreSQL: pg_dump in its
custom format. Redis needs no backup: nothing in it is the only copy of anything."""

import shutil
import sqlite3
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


class Command(BaseCommand):
    help = "Back up the database to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        if connection.vendor == "sqlite":
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(file)
            with target:
                source.backup(target)
            target.close()
            source.close()
        elif connection.vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise CommandError("pg_dump is not installed (Debian: postgresql-client).")
            # The operator's own tool, found on PATH as they installed it; arguments, no shell.
            args = ["pg_dump", "--format=custom", "--no-owner", f"--dbname={pg_url()}", f"--file={file}"]
            done = subprocess.run(args, capture_output=True, text=True)  # noqa: S603
            if done.returncode:
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")
        self.stdout.write(f"Backed up to {file}")
