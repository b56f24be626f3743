"""Start-up checks of the operator's settings (`veche check`, and every command)."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, register


@register()
def metrics_allow(app_configs, **kwargs):
    errors = []
    for entry in settings.VECHE_METRICS_ALLOW:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            errors.append(Error(f"VECHE_METRICS_ALLOW holds {entry!r}, which is not an address or a network "
                                "(write CIDRs such as 10.0.0.0/8, comma-separated).", id="ops.E001"))
    return errors
