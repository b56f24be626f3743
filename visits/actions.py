"""Writing a member's visit (visits.marks decides when: not on every page view)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from visits.models import Visit


def do_record_visit(member_id: int, article_id: int, *, seen_id: int, baseline_id: int, new: bool) -> None:
    """Store how far the member has read. `new`: no row yet. Two requests racing to create
    the row leave one (the other's write is the same reading, a moment apart)."""
    now = timezone.now()
    if new:
        try:
            with transaction.atomic():
                Visit.objects.create(member_id=member_id, article_id=article_id, seen_id=seen_id,
                                     baseline_id=baseline_id, at=now)
            return
        except IntegrityError:
            pass
    Visit.objects.filter(member_id=member_id, article_id=article_id).update(
        seen_id=seen_id, baseline_id=baseline_id, at=now)
