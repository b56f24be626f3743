from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # Webhooks listen to the discussion and moderation; neither knows webhooks exist.
        from webhooks import receivers

        receivers.connect()
