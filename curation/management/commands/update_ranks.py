from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Work out every commenting member's rank again (run daily: time alone promotes, votes move ratings)."

    def handle(self, *args, **options):
        from curation.ranks import update_all

        changed = update_all()
        self.stdout.write(f"{changed} rank(s) changed")
