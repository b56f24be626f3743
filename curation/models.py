"""Editors' picks, an editor's pinned note, and members' ignore lists."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Pick(models.Model):
    """A comment the editors chose: marked "Editors' pick" and listed above the discussion.
    One row per picked comment; unpicking deletes it (the moderation log keeps the history)."""

    comment = models.OneToOneField("discussion.Comment", verbose_name=_("comment"), on_delete=models.CASCADE,
                                   related_name="pick")
    article = models.ForeignKey("newsroom.Article", verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="+")
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("picked by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["article", "created"])]
        verbose_name = _("editors’ pick")
        verbose_name_plural = _("editors’ picks")

    def __str__(self):
        return f"Pick of comment {self.comment_id}"


class Pin(models.Model):
    """An editor's own note pinned to the top of a discussion: one per article."""

    article = models.OneToOneField("newsroom.Article", verbose_name=_("article"), on_delete=models.CASCADE,
                                   related_name="+")
    comment = models.ForeignKey("discussion.Comment", verbose_name=_("comment"), on_delete=models.CASCADE,
                                related_name="+")
    pinned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("pinned by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("pinned note")
        verbose_name_plural = _("pinned notes")

    def __str__(self):
        return f"Pin of comment {self.comment_id}"


class Ignore(models.Model):
    """`member` does not want to read `ignored`: their comments collapse to one line for
    `member` (newsroom.memberpage) and they notify `member` of nothing (is_ignoring)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="+")
    ignored = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ignored member"), on_delete=models.CASCADE,
                                related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "ignored"], name="curation_ignore_once"),
            models.CheckConstraint(condition=~models.Q(member=models.F("ignored")), name="curation_ignore_not_self"),
        ]
        verbose_name = _("ignored member")
        verbose_name_plural = _("ignored members")

    def __str__(self):
        return f"{self.member_id} ignores {self.ignored_id}"


class Rank(models.Model):
    """A rank members earn by standing: all three thresholds met — rating, days since they
    joined, comments that stayed up (their public comments). Names and thresholds are the
    operator's, in the admin; the defaults (migration 0002) are military ranks, as the seed
    site's community uses them."""

    name = models.CharField(_("name"), max_length=40)
    min_rating = models.IntegerField(_("rating at least"), default=0)
    min_days = models.PositiveIntegerField(_("days since joining at least"), default=0)
    min_comments = models.PositiveIntegerField(_("comments kept up at least"), default=0)

    class Meta:
        ordering = ["min_rating", "min_days", "min_comments", "id"]
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")

    def __str__(self):
        return self.name


class Standing(models.Model):
    """A member's rank as last worked out (curation.ranks): stored, so a page never computes
    it; shown beside their login on comments and on their profile."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                                  primary_key=True, related_name="standing")
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    updated = models.DateTimeField(_("worked out"), default=timezone.now)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
