"""veche restore FILE: put a backup made by `veche backup` back. Stop Veche first."""

import shutil
import sqlite3
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.management.commands.backup import pg_url


class Command(BaseCommand):
    help = "Restore the database from a backup made by `veche backup` (stop Veche first)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        if connection.vendor == "sqlite":
            connection.close()
            source = sqlite3.connect(file)
            target = sqlite3.connect(connection.settings_dict["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        elif connection.vendor == "postgresql":
            if not shutil.which("pg_restore"):
                raise CommandError("pg_restore is not installed (Debian: postgresql-client).")
            connection.close()
            # The operator's own tool, found on PATH as they installed it; arguments, no shell.
            args = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={pg_url()}", file]
            done = subprocess.run(args, capture_output=True, text=True)  # noqa: S603
            if done.returncode:
                raise CommandError(f"pg_restore failed: {done.stderr.strip()}")
        else:
            raise CommandError(f"No restore method for {connection.vendor}.")
        from django.apps import apps

        from core import statements

        statements.settle(apps.get_models())  # a restored table has no statistics yet
        self.stdout.write(f"Restored from {file}; clear the cache if Redis holds pages of the old state.")
