"""Delivering webhooks: one task per delivery, retried with backoff (core.tasks.task)."""

import http.client

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.tasks import is_last_try, task
from webhooks import signing, transport
from webhooks.models import Delivery

Status = Delivery.Status


class ReceiverFailed(Exception):
    """The receiver answered other than 2xx, or could not be reached: try again later."""


@task()
def deliver(delivery_id: int) -> dict:
    """POST one delivery. Idempotent by the delivery's status: a delivered (or refused) one is
    not sent again by a duplicated or retried run; a run cut short after the receiver answered
    but before the status was written sends it once more (receivers dedupe by Veche-Delivery)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
        if delivery is None or delivery.status in (Status.DELIVERED, Status.REFUSED):
            return {"skipped": True}
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Veche-Webhooks/1",
        "Veche-Event": delivery.event,
        "Veche-Delivery": str(delivery.pk),
        "Veche-Signature": signing.sign(endpoint.secret, body),
    }
    try:
        answer = transport.post(endpoint.url, body, headers, settings.VECHE_WEBHOOK_TIMEOUT)
    except transport.Refused as exc:
        _record(delivery, status=Status.REFUSED, error=str(exc))
        return {"refused": str(exc)}
    except (OSError, http.client.HTTPException) as exc:
        _failed(delivery, error=f"{type(exc).__name__}: {exc}")
        raise ReceiverFailed(str(exc)) from exc
    if 200 <= answer.status < 300:
        _record(delivery, status=Status.DELIVERED, response_status=answer.status,
                                  response_body=answer.body)
        return {"status": answer.status}
    _failed(delivery, response_status=answer.status, response_body=answer.body,
            error=f"HTTP {answer.status}")
    raise ReceiverFailed(f"HTTP {answer.status}")


def _failed(delivery: Delivery, **answer) -> None:
    # The last of the task's tries leaves the delivery failed; earlier ones, retrying.
    _record(delivery, status=Status.FAILED if is_last_try() else Status.RETRYING, **answer)


def _record(delivery: Delivery, *, status: str, response_status: int | None = None,
            response_body: str = "", error: str = "") -> None:
    delivery.attempts += 1
    delivery.last_attempt = timezone.now()
    delivery.status = status
    delivery.response_status = response_status
    delivery.response_body = response_body
    delivery.error = error[:500]
    delivery.save(update_fields=["attempts", "last_attempt", "status", "response_status",
                                 "response_body", "error"])
