"""Changes to the publication: saving articles (rendering their bodies), counting views."""

from django.db import transaction

from core.markup import render_article
from newsroom import images, signals, versions
from newsroom.models import Article, Author

_COUNTED = {"views", "comment_count", "thread_version", "order_version"}


def do_save_article(article: Article) -> Article:
    """Render the body and save; the admin and importers both come through here. Sends
    newsroom.signals.article_saved inside the saving transaction."""
    article.body_html = render_article(article.body, images.resolver(article.pk))
    if article.state == Article.State.PUBLISHED and article.published_at is None:
        from django.utils import timezone

        article.published_at = timezone.now()
    with transaction.atomic():
        new_author = False
        if article.pk is None or article._state.adding:
            article.save()
        else:
            # Another author moves the "Author" badge on comments (curation): the thread shows it.
            new_author = Article.objects.filter(pk=article.pk).values_list("author_id", flat=True).first() \
                != article.author_id  # counters and versions move by their own updates: an editor's form must not write them back
            from django.utils import timezone

            article.updated_at = timezone.now()
            article.save(update_fields=[f.name for f in Article._meta.concrete_fields
                                        if not f.primary_key and f.name not in _COUNTED])
        signals.article_saved.send(Article, article=article)
        if new_author:
            versions.changed(article.pk, versions.Change.BYLINE)
    if article.pk is not None:  # its cached pages show the old text or state
        versions.changed(article.pk, versions.Change.ARTICLE)
    return article


def do_render_body(article_id: int) -> None:
    """Render an article's body again from what is stored (its images' versions are ready:
    editorial.tasks), under the row's lock so an editor's save meanwhile is never undone,
    writing the rendering alone — no "last edited" moves (dateModified, the sitemap's lastmod):
    nobody edited it."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).only("pk", "body").first()
        if article is None:
            return
        html = render_article(article.body, images.resolver(article.pk))
        Article.objects.filter(pk=article_id).update(body_html=html)
        versions.changed(article_id, versions.Change.ARTICLE)


def do_save_author(author: Author) -> Author:
    """Save an author (the admin comes through here). Linked to another member, or to none, the
    "Author" badge moves on every discussion of their articles (curation reads the author's
    member under the thread version): each of those articles gets a new thread version, so
    the badge leaves the old member's comments and reaches the new one's, and no cached page
    keeps it where it was."""
    with transaction.atomic():
        before = None if author._state.adding or author.pk is None else \
            Author.objects.filter(pk=author.pk).values_list("member_id", flat=True).first()
        relinked = author.pk is not None and not author._state.adding and before != author.member_id
        author.save()
        if relinked:
            article_ids = list(Article.objects.filter(author=author).values_list("pk", flat=True))
            versions.changed_many(article_ids, versions.Change.BYLINE)
    return author


def do_delete_author(author: Author) -> None:
    """Delete an author: their articles lose the byline (SET_NULL), and with it the badge of
    the member it was linked to."""
    with transaction.atomic():
        article_ids = list(Article.objects.filter(author=author).values_list("pk", flat=True))
        author.delete()
        if article_ids:
            versions.changed_many(article_ids, versions.Change.BYLINE)


def do_record_view(article: Article) -> int:
    """Count a page view; returns the count to show: the stored one, as every other page and
    the API show it. The view itself is counted in the process and written within seconds
    (newsroom.viewcount), so reading an article costs no write and no round trip."""
    from newsroom import viewcount

    viewcount.count(article.pk)
    return article.views
