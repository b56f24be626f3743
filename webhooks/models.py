"""Webhook endpoints an operator registers, and each delivery of an event to one of them."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    COMMENT_POSTED = "comment.posted", _("Comment posted")
    COMMENT_EDITED = "comment.edited", _("Comment edited")
    COMMENT_REMOVED = "comment.removed", _("Comment removed or deleted")
    REPORT_FILED = "report.filed", _("Report filed")
    MEMBER_BANNED = "member.banned", _("Member banned")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Endpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500,
                          help_text=_("Where events are POSTed as JSON (http or https)."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list,
                              help_text=_("The events sent to this URL."))
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret,
                              help_text=_("Signs every delivery (HMAC-SHA256; docs/webhooks.md)."))
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.description or self.url


class Delivery(models.Model):
    """One event for one endpoint. Its status is the delivery task's idempotency: a run that
    finds it delivered sends nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused (address not allowed)")

    endpoint = models.ForeignKey(Endpoint, verbose_name=_("webhook endpoint"), on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    last_attempt = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
