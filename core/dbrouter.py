"""Reads go to a replica; writes, and reads by a member who just wrote, go to the primary.

After a write, the pinning middleware marks the member's session for PIN_SECONDS so they read
their own writes back from the primary while the replica catches up."""

import random
import threading

from django.conf import settings

PIN_SECONDS = 5
_state = threading.local()


def pin_to_primary(flag: bool = True) -> None:
    _state.pinned = flag


def is_pinned() -> bool:
    return getattr(_state, "pinned", False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = [name for name in settings.DATABASES if name.startswith("replica")]
        if not replicas or is_pinned():
            return "default"
        return random.choice(replicas)  # noqa: S311  spreading reads, not a secret

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
