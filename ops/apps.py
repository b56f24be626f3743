from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from django.core.signals import got_request_exception

        from core.breaker import redis_failed
        from ops import checks, signals  # noqa: F401  (checks register themselves)

        got_request_exception.connect(signals.request_failed, dispatch_uid="veche-ops-db-errors")
        redis_failed.connect(signals.redis_failed, dispatch_uid="veche-ops-redis-errors")
