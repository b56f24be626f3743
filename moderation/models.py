"""Reports, bans, word rules, brigade cases and the append-only moderation log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam")
    INSULT = "insult", _("Insult")
    OFFTOPIC = "offtopic", _("Off-topic")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Other")


# The moderation log's actions (LogEntry.action) as the log page names them.
ACTION_LABELS = {
    "approve": pgettext_lazy("moderation log", "approve"), "hide": pgettext_lazy("moderation log", "hide"),
    "restore": pgettext_lazy("moderation log", "restore"), "edit": pgettext_lazy("moderation log", "edit"),
    "delete": pgettext_lazy("moderation log", "delete"), "ban": pgettext_lazy("moderation log", "ban"),
    "lift-ban": pgettext_lazy("moderation log", "lift-ban"),
    "quarantine-votes": pgettext_lazy("moderation log", "quarantine-votes"),
    "release-votes": pgettext_lazy("moderation log", "release-votes"),
    "discard-votes": pgettext_lazy("moderation log", "discard-votes"),
}


class Report(models.Model):
    """A member's complaint about a comment: once per member per comment."""

    comment = models.ForeignKey("discussion.Comment", verbose_name=_("comment"), on_delete=models.CASCADE,
                                related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE,
                                 related_name="reports")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    text = models.TextField(_("text"), blank=True, max_length=1000)
    created = models.DateTimeField(_("created"), default=timezone.now)
    resolved = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_member")]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        # The queue's open reports, site-wide: a few rows among every report ever resolved.
        # A partial index (only rows still open, in the queue's order) is used by SQLite and
        # PostgreSQL alike; an index on (resolved, comment) was not — two values in `resolved`
        # told SQLite's planner it sorted nothing out, so it read the whole table.
        indexes = [models.Index(fields=["id"], condition=models.Q(resolved__isnull=True),
                                name="moderation_report_open")]


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted=None).filter(models.Q(until=None) | models.Q(until__gt=now))


class Ban(models.Model):
    class Scope(models.TextChoices):
        COMMENTING = "commenting", _("Commenting only")
        FULL = "full", _("Full (also signs the member out)")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="bans")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderator"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.COMMENTING)
    reason = models.CharField(_("reason"), max_length=300)
    created = models.DateTimeField(_("created"), default=timezone.now)
    until = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: permanent."))
    lifted = models.DateTimeField(_("lifted"), null=True, blank=True)
    hid_comments = models.BooleanField(_("comments hidden"), default=False)

    objects = BanQuerySet.as_manager()

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")

    @property
    def permanent(self) -> bool:
        return self.until is None

    def describe(self) -> str:
        from core.display import format_time

        commenting = self.scope == self.Scope.COMMENTING
        if self.permanent:
            text = (gettext("You are banned from commenting permanently. Reason: %(reason)s") if commenting
                    else gettext("You are banned from taking part permanently. Reason: %(reason)s"))
            return text % {"reason": self.reason}
        text = (gettext("You are banned from commenting until %(until)s. Reason: %(reason)s") if commenting
                else gettext("You are banned from taking part until %(until)s. Reason: %(reason)s"))
        return text % {"until": format_time(self.until)[1], "reason": self.reason}


class WordRule(models.Model):
    """A banned word refuses the comment (naming the rule, not the word); a suspect word holds it."""

    class Kind(models.TextChoices):
        BANNED = "banned", _("Banned: refuse the comment")
        SUSPECT = "suspect", _("Suspect: hold for moderation")

    rule = models.CharField(_("rule"), max_length=80, help_text=_("Shown to the author, e.g. “no slurs”."))
    words = models.TextField(_("words"), help_text=_("One word or phrase a line. Matched after normalisation: "
                             "case, look-alike letters, letters split by spaces or signs."))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("word rule")
        verbose_name_plural = _("word rules")

    def __str__(self):
        return f"{self.rule} ({self.kind})"


class BrigadeCase(models.Model):
    """Votes that look like a brigade, quarantined until a moderator decides."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RELEASED = "released", _("Released (votes count)")
        DISCARDED = "discarded", _("Discarded (votes removed)")

    kind = models.CharField(_("kind"), max_length=40)
    summary = models.CharField(_("summary"), max_length=300)
    evidence = models.JSONField(_("evidence"), default=dict)
    target = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("target"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    votes = models.ManyToManyField("discussion.Vote", verbose_name=_("votes"), related_name="brigade_cases")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created = models.DateTimeField(_("created"), default=timezone.now)
    resolved = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("brigade case")
        verbose_name_plural = _("brigade cases")


class LogEntry(models.Model):
    """One moderation action. Append-only: entries are never changed or deleted."""

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderator"), null=True,
                                  on_delete=models.SET_NULL, related_name="+", help_text=_("Empty: Veche itself."))
    action = models.CharField(_("action"), max_length=40)
    comment = models.ForeignKey("discussion.Comment", verbose_name=_("comment"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    article = models.ForeignKey("newsroom.Article", verbose_name=_("article"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        permissions = [("moderate", "Can moderate the discussion")]
        # In context: Django's admin names its own LogEntry so, and its catalog comes first.
        verbose_name = pgettext_lazy("moderation log", "log entry")
        verbose_name_plural = pgettext_lazy("moderation log", "log entries")  # not Django's guess, "log entrys"

    def save(self, *args, **kwargs):
        if not self._state.adding:  # a new entry (also one restored from an export) only
            raise ValueError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The moderation log is append-only.")

    @property
    def action_label(self) -> str:
        """What was done, in the reader's language (the stored value is a code)."""
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def reason_label(self) -> str:
        return str(dict(Reason.choices).get(self.reason, self.reason))
