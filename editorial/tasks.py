"""The editors' workspace's background work (core.tasks): an image's versions."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.tasks import task
from editorial import imaging
from editorial.models import ArticleImage
from newsroom.actions import do_render_body


@task()
def make_versions(image_id: int) -> int:
    """The widths and WebP of an uploaded image (do_make_versions): idempotent, retried after a
    failure (core.tasks); the number of versions recorded."""
    return do_make_versions(image_id)


# An upload's versions task lost (the queue unreachable when it was enqueued) is enqueued again
# by the sweep, for images at least this old and at most SWEEP_DAYS.
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_DAYS = 7


@task()
def sweep_versions() -> int:
    """Enqueue the versions of recent images that still lack them (a periodic sweep:
    settings.VECHE_PERIODIC_TASKS). Idempotent, as make_versions is."""
    now = timezone.now()
    recent = ArticleImage.objects.filter(created_at__lte=now - SWEEP_AFTER,
                                         created_at__gte=now - timedelta(days=SWEEP_DAYS))
    pending = [image.pk for image in recent.only("id", "format", "width", "height", "renditions")
               if image.versions_pending]
    for image_id in pending:
        make_versions.enqueue(image_id)
    return len(pending)


def do_make_versions(image_id: int) -> int:
    """Make the versions an image still lacks from its stored original, record them and render
    its article again (its pages then offer the srcset). Idempotent: an image that has them all,
    or is gone, is left alone; versions another run recorded meanwhile are kept, and this run's
    copies of them deleted. A failure leaves the image as it was (the pages show the original)
    and raises, for the queue to try again. Returns the number of versions recorded."""
    image = ArticleImage.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    wanted = imaging.missing(image.format, image.width, image.height, image.renditions)
    if not wanted:
        return 0
    own = [r for r in image.renditions if r["format"] == image.format] or image.renditions
    made = imaging.make_versions(image.folder, own[-1], wanted)
    kept: list[dict] = []
    recorded: set[str] = set()  # the names the image's row holds: this run's copies of others are deleted
    try:
        with transaction.atomic():
            # Locked: two runs at once (a retry overtaking a slow first try) record each version once.
            locked = ArticleImage.objects.select_for_update().filter(pk=image_id).first()
            if locked is None:
                return 0
            recorded = set(locked.names())
            have = {(r["width"], r["format"]) for r in locked.renditions}
            kept = [m for m in made if (m["width"], m["format"]) not in have]
            if kept:
                locked.renditions = imaging.sort_renditions(locked.renditions + kept)
                locked.save(update_fields=["renditions"])
                do_render_body(locked.article_id)  # its pages offer the srcset
        recorded |= {m["name"] for m in kept}
    finally:
        imaging.delete([m["name"] for m in made if m["name"] not in recorded])
    return len(kept)
