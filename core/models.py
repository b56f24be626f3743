"""The few rows core keeps for every app: which task effects are done (core.tasks.once)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DoneKey(models.Model):
    """An effect a task has performed, by a key the task chose ("notify:reply:812:33"), so a
    retried or duplicated run skips it. Old rows may be pruned (`veche tasks --prune-done`)
    once no task could be retried that late."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    done_at = models.DateTimeField(_("done at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("task effect done")
        verbose_name_plural = _("task effects done")

    def __str__(self) -> str:
        return self.key
