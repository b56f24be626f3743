"""The insight pages' background work (core.tasks)."""

from core.tasks import task


@task()
def refresh(article_id: int) -> bool:
    """Compute an article's insight figures and keep them (insight.kept.compute): idempotent
    (the row is replaced), retried after a failure; False for an article deleted meanwhile."""
    from insight.kept import compute
    from newsroom.models import Article

    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return False
    compute(article)
    return True
