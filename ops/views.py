"""The operator's doors: /healthz, /readyz and /metrics.

All three are answered by ops.middleware.ProbeMiddleware before the host check, the https
redirect, sessions and CSRF (a load balancer probes by address, over plain http), and reach
these views through the URLconf too. None is ever cached by anyone (Cache-Control:
no-store) and none is rate limited."""

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops import access, metrics, readiness


@never_cache
@require_safe
def healthz(request):
    """The process is alive and its Django answers; nothing else is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """200 when every check passes, else 503; each check named (see ops.readiness)."""
    results, reasons = readiness.checks()
    ready = all(v in (readiness.OK, readiness.NOT_CONFIGURED) for v in results.values())
    body = {"status": "ok" if ready else "fail", "checks": results}
    if reasons:
        body["reasons"] = reasons
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_safe
def metrics_view(request):
    """The metrics, for whoever may read them; for anyone else the site's ordinary 404, as for
    any address that does not exist."""
    if not access.may_read_metrics(request):
        raise Http404()
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
