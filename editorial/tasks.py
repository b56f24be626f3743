"""The editors' workspace's background work (core.tasks): an image's versions."""

from core.tasks import task


@task()
def make_versions(image_id: int) -> int:
    """The widths and WebP of an uploaded image (editorial.actions.do_make_versions):
    idempotent, retried after a failure (core.tasks); the number of versions written."""
    from editorial.actions import do_make_versions

    return do_make_versions(image_id)
