"""Notifications, follows, e-mail preferences and the e-mails sent (the sent-marker that
makes every delivery task idempotent)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notify import kinds


class Email(models.Model):
    """One message to one member: created before it is sent, marked once sent. Its `key` is
    unique per member ("now:<first notification>", "digest:<day>"), so a duplicated task finds
    the row and sends nothing twice; one created but not yet sent is sent by the next run."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="+")
    key = models.CharField(_("key"), max_length=40)
    created = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="one_email_per_key")]
        indexes = [models.Index(fields=["member"], condition=Q(sent_at=None), name="email_unsent")]

    def __str__(self):
        return f"{self.key} to {self.member_id}"


class Notification(models.Model):
    """One thing a member is told of. Unique per (recipient, kind, comment, key): a task run
    twice, or a comment approved after being held, tells nothing twice. `key` tells apart
    several of one kind on one comment (a moderator's decisions: the log entry's id)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=16, choices=kinds.CHOICES)
    comment = models.ForeignKey("discussion.Comment", verbose_name=_("comment"), on_delete=models.CASCADE,
                                related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(_("key"), max_length=32, blank=True, default="")
    decision = models.CharField(_("decision"), max_length=16, blank=True, default="")
    created = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.ForeignKey(Email, verbose_name=_("e-mail"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="notifications")
    # The comment's article, written by the fan-out (notify.telling.tell_of_comment) so that a
    # discussion's pending "followed" rows are one index range; empty on the other kinds.
    article = models.ForeignKey("newsroom.Article", verbose_name=_("article"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "comment", "key"],
                                               name="one_notification_per_thing")]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_list"),
            models.Index(fields=["recipient"], condition=Q(read_at=None), name="notification_unread"),
            models.Index(fields=["recipient"], condition=Q(email=None), name="notification_unmailed"),
            # A discussion's pending "new comments in a discussion you follow" (notify.telling.pending_followed).
            models.Index(fields=["article", "recipient"], condition=Q(kind="followed", read_at=None, email=None),
                         name="notification_followed_pending"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id} on {self.comment_id}"


class Follow(models.Model):
    """A member follows an article's discussion: told of its new comments."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="+")
    article = models.ForeignKey("newsroom.Article", verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["article", "member"], name="one_follow")]
        indexes = [models.Index(fields=["member", "-created"], name="follows_of_member")]

    def __str__(self):
        return f"{self.member_id} follows {self.article_id}"


class Preferences(models.Model):
    """A member's choices; a member without a row has the defaults (kinds.defaults())."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("member"), primary_key=True,
                                  on_delete=models.CASCADE, related_name="+")
    email = models.JSONField(_("e-mail by kind"), default=dict, blank=True,
                             help_text=_("kind → now, daily or never"))
    follow_when_commenting = models.BooleanField(default=True, verbose_name=_("Follow a discussion when I comment in it"))
    confirmed_email = models.CharField(_("confirmed address"), max_length=254, blank=True,
                                       help_text=_("The address the member confirmed: mail goes only to it."))
    confirmation_sent_to = models.CharField(_("confirmation sent to"), max_length=254, blank=True,
                                            help_text=_("The address the last confirmation link went to."))
    last_email_at = models.DateTimeField(_("last e-mail"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self):
        return f"Preferences of {self.member_id}"

    def delivery(self, kind: str) -> str:
        return self.email.get(kind) or kinds.KINDS[kind].email
