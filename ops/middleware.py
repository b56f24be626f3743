"""Every request Django answers: its id, its log line and its metrics (RequestMiddleware);
and the probes answered before the host check and the https redirect (ProbeMiddleware).

The ASGI front's own answers (cached pages, member pages, live streams) never enter Django:
ops.front counts and logs those the same way."""

from time import perf_counter

from django.conf import settings
from django.urls import resolve

from ops import logs, metrics, requestid


def route_of(request) -> str:
    """The label of a request's route: its URL pattern's name ("newsroom:article"), never
    its path, which holds slugs, ids and tokens."""
    match = request.resolver_match
    if match is not None:
        return match.view_name
    if request.path_info.startswith(settings.STATIC_URL):
        return metrics.STATIC
    return metrics.UNMATCHED


def member_of(request) -> int | None:
    """The signed-in member's id if this request looked them up; a request that did not is not
    made to read its session only to be logged."""
    user = request.__dict__.get("_cached_user")
    return user.pk if user is not None and user.is_authenticated else None


class RequestMiddleware:
    """First in MIDDLEWARE, so every answer of the middleware below it is counted, logged and
    carries its X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = perf_counter()
        rid = requestid.accept(request.META.get("HTTP_X_REQUEST_ID"))
        token = requestid.current.set(rid)
        try:
            response = self.get_response(request)
            response[requestid.HEADER] = rid
            seconds = perf_counter() - started
            route = route_of(request)
            metrics.count_request(route, request.method, response.status_code, seconds)
            logs.log_request(rid, route, metrics.method_label(request.method), response.status_code, seconds,
                             member_of(request))
            return response
        finally:
            requestid.current.reset(token)


PROBES = ("/healthz", "/readyz", "/metrics")


class ProbeMiddleware:
    """/healthz, /readyz and /metrics, answered before the middleware that would turn a load
    balancer's probe away: it asks by address (not an allowed host) and over plain http (the
    https redirect). Their views read neither the host nor a session. /metrics refused goes on
    down the chain like any other address, to the site's ordinary 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in PROBES or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from ops import access

        if request.path_info == "/metrics" and not access.may_read_metrics(request):
            return self.get_response(request)
        match = resolve(request.path_info)
        request.resolver_match = match
        return match.func(request, *match.args, **match.kwargs)
