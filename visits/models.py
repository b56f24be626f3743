"""How far each member has read each discussion, so a return visit can mark what is new."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visit(models.Model):
    """A member's reading of an article's discussion.

    `seen_id`: the newest comment id the member has been shown there (comment ids rise with
    time, so "newer than" is "id above"). `baseline_id`: `seen_id` as it stood when their
    current visit began — comments above it are marked new for the whole visit, across
    reloads and pages. `at`: when the row was last written (visits.marks says when)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="+", db_index=False)  # the unique pair below leads with it
    article = models.ForeignKey("newsroom.Article", verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="+")
    seen_id = models.BigIntegerField(_("last comment seen"), default=0)
    baseline_id = models.BigIntegerField(_("last comment seen before this visit"), default=0)
    at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "article"], name="visit_member_article")]
        verbose_name = _("discussion visit")
        verbose_name_plural = _("discussion visits")

    def __str__(self) -> str:
        return f"{self.member_id} on {self.article_id}: {self.seen_id}"
