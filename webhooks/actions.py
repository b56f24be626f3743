"""Webhook state changes: queue an event for the endpoints that want it, send a delivery
again. Called by the receivers (webhooks.receivers) and the admin. What an attempt got back
is written by the delivery task itself (webhooks.tasks), the only writer of that state."""

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from core.memo import Memo
from core.tasks import enqueue_on_commit
from webhooks.models import Delivery, Endpoint

# The active endpoints, kept ENDPOINTS_SECONDS in each process: a post, an edit or a status
# change asks for them, and most sites have none; an endpoint saved in the admin takes effect
# in every process within that time (in the one that saved it at once).
ENDPOINTS_SECONDS = 5
_endpoints: Memo[list[Endpoint]] = Memo("webhook-endpoints", items=1, ttl=ENDPOINTS_SECONDS)


def endpoints_for(event: str) -> list[Endpoint]:
    # JSONField "contains" is not portable to SQLite: the list of endpoints is short.
    active = _endpoints.get_or_make("active", lambda: list(Endpoint.objects.filter(active=True)))
    return [e for e in active if event in (e.events or [])]


def forget_endpoints(**kwargs: object) -> None:
    _endpoints.clear()


def do_queue_event(event: str, data: dict, endpoints: Iterable[Endpoint] | None = None) -> list[Delivery]:
    """A Delivery per endpoint subscribed to `event`, each sent by a task after the caller's
    transaction commits (call inside it: a rolled-back comment sends nothing)."""
    from webhooks.tasks import deliver

    targets = list(endpoints) if endpoints is not None else endpoints_for(event)
    deliveries = []
    for endpoint in targets:
        delivery = Delivery.objects.create(endpoint=endpoint, event=event, body="")
        delivery.body = json.dumps({"event": event, "delivery": delivery.pk,
                                    "created_at": timezone.now().isoformat(), "data": data},
                                   cls=DjangoJSONEncoder, ensure_ascii=False)
        delivery.save(update_fields=["body"])
        enqueue_on_commit(deliver, delivery.pk)
        deliveries.append(delivery)
    return deliveries


def do_redeliver(delivery: Delivery) -> Delivery:
    """An operator sends a failed delivery again (the admin's action)."""
    from webhooks.tasks import deliver

    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING)
    enqueue_on_commit(deliver, delivery.pk)
    delivery.status = Delivery.Status.PENDING
    return delivery
