"""Writing members' visits (visits.marks decides when: never on every page view; the
readings are written in batches with the page views)."""

from datetime import datetime

from django.db import transaction

from visits.models import Visit


def do_record_visits(readings: list[tuple[int, int, tuple[int, int, datetime], bool]]) -> None:
    """Store how far members read: (member, article, (seen_id, baseline_id, at), new row).
    New rows are inserted ignoring a row another process wrote meanwhile, which is then
    updated like the others (the later reading wins)."""
    with transaction.atomic():
        fresh = [Visit(member_id=m, article_id=a, seen_id=r[0], baseline_id=r[1], at=r[2])
                 for m, a, r, new in readings if new]
        if fresh:
            Visit.objects.bulk_create(fresh, ignore_conflicts=True)
        for m, a, (seen, start, at), _new in readings:
            Visit.objects.filter(member_id=m, article_id=a).update(seen_id=seen, baseline_id=start, at=at)
