"""The default ranks: military, in the spirit of the seed site's community (a military-news
site whose DataLife Engine groups are ranks). Each step asks for rating, time and comments
kept up together, so neither a burst of comments nor an old silent account buys a rank."""

from django.db import migrations

DEFAULTS = [  # name, rating, days, comments kept up
    ("Recruit", 0, 0, 0),
    ("Private", 5, 7, 10),
    ("Corporal", 25, 30, 50),
    ("Sergeant", 100, 90, 200),
    ("Lieutenant", 300, 180, 500),
    ("Captain", 1000, 365, 1000),
    ("Colonel", 3000, 730, 3000),
]


def create(apps, schema_editor):
    Rank = apps.get_model("curation", "Rank")
    if not Rank.objects.exists():
        for name, rating, days, comments in DEFAULTS:
            Rank.objects.create(name=name, min_rating=rating, min_days=days, min_comments=comments)


class Migration(migrations.Migration):
    dependencies = [("curation", "0002_ranks")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
