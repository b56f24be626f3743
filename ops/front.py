"""The ASGI front's own answers (config.front), counted and logged as Django's are by
ops.middleware: a cached page, a member page filled in the front, a live stream. The front
wraps the `send` of such an answer with `observed`; when the answer starts, its
X-Request-ID is added, the request counted under its route, its time observed and its line
logged. A few microseconds, on the path where a page costs a few dozen."""

from time import perf_counter

from ops import logs, metrics, requestid

# The names of the URL patterns whose answers the front gives (a test keeps them equal to
# what the URLconf resolves): a route label is a pattern's name wherever it was answered.
ARTICLE = "newsroom:article"
API = "discussion:api-comments"
EVENTS = "live:events"
UNMATCHED = metrics.UNMATCHED  # the front's refusals, made before any routing


def observed(scope, send, route: str, started: float, member: int | None = None):
    """`send`, wrapped: the response's start gets the request's id, and is counted and logged.
    `started`: perf_counter() when the front took the request."""
    rid = requestid.from_scope(scope)
    header = (b"x-request-id", rid.encode())

    async def sending(message):
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), header]}
            status = message["status"]
            seconds = perf_counter() - started
            method = metrics.method_label(scope["method"])
            metrics.count_request(route, method, status, seconds)
            logs.log_request(rid, route, method, status, seconds, member)
        await send(message)

    return sending

