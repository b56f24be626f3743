"""Comments, votes and quotes."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EDIT_WINDOW = timedelta(minutes=15)  # a member may edit their comment this long after posting
BODY_MAX = 10_000  # characters of Markdown source


def sees_unpublished(viewer) -> bool:
    """Editors preview drafts and scheduled articles, with their discussions."""
    return viewer is not None and viewer.is_authenticated and viewer.has_perm("newsroom.change_article")


def moderates(viewer) -> bool:
    from accounts.roles import can_moderate

    return can_moderate(viewer)


class CommentQuerySet(models.QuerySet):
    """The one rule of who may read a comment's text, as a query; Comment.is_readable_by says
    the same of one comment (a test holds the two in step)."""

    def readable_by(self, viewer, now=None):
        """Comments whose text `viewer` (a member, AnonymousUser or None) may read, wherever a
        page or an answer takes a comment id: visible ones; held ones to their author and to
        moderators; removed and deleted ones (placeholders on the thread) to moderators only.
        And only on published articles, unless the viewer is an editor."""
        from newsroom.models import Article

        qs = self
        if not sees_unpublished(viewer):  # as Article.objects.published(), through the join
            qs = qs.filter(article__state__in=[Article.State.PUBLISHED, Article.State.SCHEDULED],
                           article__published_at__lte=now or timezone.now())
        if moderates(viewer):
            return qs
        shown = Q(status=Comment.Status.VISIBLE)
        if viewer is not None and viewer.is_authenticated:
            shown |= Q(status=Comment.Status.HELD, author_id=viewer.pk)
        return qs.filter(shown)

    def public(self, now=None):
        """What every reader may read: visible comments of published articles."""
        return self.readable_by(None, now)


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Awaiting moderation")
        DELETED = "deleted", _("Deleted by its author")
        REMOVED = "removed", _("Removed by a moderator")

    # Indexes are kept to those a query needs (each is written on every post). The article's
    # own index stays: the thread is read through it in the order the rows were written.
    article = models.ForeignKey("newsroom.Article", verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="comments")
    parent = models.ForeignKey("self", verbose_name=_("reply to"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="comments", db_index=False)  # see (author, -id)
    root = models.ForeignKey("self", verbose_name=_("top-level comment"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             help_text=_("The top-level comment of its subthread; empty for a top-level one."))
    depth = models.PositiveIntegerField(_("depth"), default=0)
    body = models.TextField(_("text"), max_length=BODY_MAX)
    body_html = models.TextField(_("text as HTML"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.VISIBLE)
    created = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    edited = models.DateTimeField(_("edited"), null=True, blank=True)
    plus = models.PositiveIntegerField(_("pluses"), default=0)
    minus = models.PositiveIntegerField(_("minuses"), default=0)
    moderation_reason = models.CharField(_("moderation reason"), max_length=200, blank=True)
    removal_category = models.CharField(_("removal category"), max_length=10, blank=True, help_text=_("Why a moderator removed it."))
    moderator_note = models.CharField(_("moderator’s note"), max_length=300, blank=True, help_text=_("Shown when a moderator edited it."))
    idempotency_key = models.CharField(_("repeat key"), max_length=64, null=True, blank=True)
    source_key = models.CharField(_("id in the source"), max_length=200, null=True, blank=True,
                                  help_text=_("The id of an imported comment in its source."))

    class Meta:
        ordering = ["id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "id"]),
            models.Index(fields=["author", "-id"]),
            # A reader's own comments on the page they read: without it, a prolific member's
            # every comment on the site is scanned on each page view.
            models.Index(fields=["article", "author"]),
            # A new comment's number among its siblings, counted from the index alone: without
            # it, numbering a top-level comment reads its way through the whole discussion.
            models.Index(fields=["article", "parent", "id", "status"]),
            # The public account of removals on a long discussion's page ("3 comments removed by
            # moderators: …"), from the index alone: without it, every comment is read.
            models.Index(fields=["article", "status", "removal_category"]),
            # The moderation queue's held comments, site-wide: a few rows, and written only
            # when a comment is held.
            models.Index(fields=["id"], condition=models.Q(status="held"), name="discussion_comment_held"),
        ]
        # Unique where given: most comments have neither key, and an absent key is not indexed.
        # The idempotency key is the client's, so it is unique per author and article only:
        # another member sending the same key (copied, or by chance) posts their own comment.
        constraints = [
            models.UniqueConstraint(fields=["author", "article", "idempotency_key"],
                                    condition=models.Q(idempotency_key__isnull=False),
                                    name="discussion_comment_idempotency_key_per_author"),
            models.UniqueConstraint(fields=["source_key"], condition=models.Q(source_key__isnull=False),
                                    name="discussion_comment_source_key"),
        ]

    objects = CommentQuerySet.as_manager()

    def __str__(self):
        return f"Comment {self.pk} by {self.author_id}"

    def is_readable_by(self, viewer, now=None) -> bool:
        """CommentQuerySet.readable_by for this comment (reads its article)."""
        return (self.article.is_visible(now) or sees_unpublished(viewer)) and self.text_is_readable_by(viewer)

    def text_is_readable_by(self, viewer) -> bool:
        """The status part of is_readable_by, for a caller that has checked the article."""
        if self.status == self.Status.VISIBLE:
            return True  # asked first: the moderator role is not looked up for a public comment
        if self.status == self.Status.HELD and viewer is not None and viewer.is_authenticated \
                and viewer.pk == self.author_id:
            return True
        return moderates(viewer)

    def is_editable_by(self, member, now=None) -> bool:
        now = now or timezone.now()
        return (
            member.is_authenticated
            and member.pk == self.author_id
            and self.status in (self.Status.VISIBLE, self.Status.HELD)
            and now - self.created <= EDIT_WINDOW
        )

    def is_deletable_by(self, member) -> bool:
        return (
            member.is_authenticated
            and member.pk == self.author_id
            and self.status in (self.Status.VISIBLE, self.Status.HELD)
        )

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#c{self.pk}"


class Vote(models.Model):
    """One member's +1 or −1 on one comment. `counted` is False while a vote is quarantined
    as part of a suspected brigade: it is kept, but left out of the comment's counts."""

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("voter"), on_delete=models.CASCADE,
                              related_name="votes")
    value = models.SmallIntegerField(_("vote"), choices=[(1, "+1"), (-1, "−1")])
    counted = models.BooleanField(_("counted"), default=True)
    created = models.DateTimeField(_("cast"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter"], name="one_vote_per_member"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="vote_is_plus_or_minus"),
        ]
        indexes = [models.Index(fields=["voter", "created"])]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")


class Quote(models.Model):
    """A passage a comment quotes, with its source: an article paragraph or another comment."""

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="quotes")
    source_comment = models.ForeignKey(Comment, verbose_name=_("quoted comment"), null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="quoted_by")
    source_anchor = models.CharField(_("article paragraph"), max_length=40, blank=True,
                                     help_text=_("Article paragraph anchor, such as p-3fa9c1."))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self):
        return f"Quote in {self.comment_id}"


class CommentRevision(models.Model):
    """A comment's text before an edit: every edit keeps the text it replaced, so moderators
    can read what was said first (an author's original stays when a moderator edits it).
    Readable by moderators only (discussion.views.history)."""

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE,
                                related_name="revisions")
    body = models.TextField(_("text"))
    written = models.DateTimeField(_("written"), help_text=_("When this text was written (posted or last edited)."))
    replaced = models.DateTimeField(_("replaced"), default=timezone.now, help_text=_("When an edit replaced it."))
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("edited by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    help_text=_("Who edited it: its author or a moderator."))
    by_moderator = models.BooleanField(_("by a moderator"), default=False)

    class Meta:
        ordering = ["comment", "id"]
        verbose_name = _("comment revision")
        verbose_name_plural = _("comment revisions")
        indexes = [models.Index(fields=["comment", "id"])]

    def __str__(self):
        return f"Revision of comment {self.comment_id}"
