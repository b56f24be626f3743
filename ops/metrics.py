"""What Veche counts, in Prometheus's terms (the official prometheus-client library).

Every metric is defined here, once, at import; the code that counts imports the one it needs
and does one increment or one observation, which costs a microsecond or two: the page hot
path pays nothing it would notice. Every label takes a value from a small fixed set (a URL
pattern's name, a status code, a limit's name, a page kind), never a raw path, an id or a
login, so the number of series stays bounded whatever the traffic.

Several worker processes (`veche serve --workers N`) each count in their own memory unless
PROMETHEUS_MULTIPROC_DIR names a directory: the library then keeps each process's values in
files there, and /metrics adds them up (`exposition`). `veche serve` sets it for N > 1."""

import glob
import os
import re

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from core.memo import Memo

# Seconds: a cached page takes well under a millisecond, a long discussion rendered from
# nothing a few hundred; past 10 s a proxy has given up already.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("veche_http_requests", "Requests answered, by route (URL pattern name), method and status.",
                   ["route", "method", "status"])
LATENCY = Histogram("veche_http_request_duration_seconds",
                    "Time from a request's arrival to its response's start, by route.", ["route"],
                    buckets=LATENCY_BUCKETS)
PAGE_CACHE = Counter("veche_page_cache_lookups",
                     "Cacheable answers: served whole from the page cache (hit) or rendered (miss), by kind.",
                     ["kind", "result"])
ARTICLE_RENDER = Histogram("veche_article_render_seconds",
                           "Time the article view takes to render a page, by reader.", ["reader"],
                           buckets=LATENCY_BUCKETS)
SSE_OPEN = Gauge("veche_sse_streams_open", "Live event streams open now.", multiprocess_mode="livesum")
SSE_EVENTS = Counter("veche_sse_events_sent", "Live events sent to readers (one per reader it reached).")
COMMENTS = Counter("veche_comments_posted", "Comments members posted, by the status they got.", ["status"])
VOTES = Counter("veche_votes", "Votes members cast, by what their vote became.", ["result"])
RATE_LIMITED = Counter("veche_rate_limit_refusals", "Actions refused by a rate limit, by limit.", ["limit"])
DATABASE_ERRORS = Counter("veche_database_errors", "Database errors that ended a request.")
REDIS_ERRORS = Counter("veche_redis_errors",
                       "Errors talking to Redis as a cache (each then sets the circuit breaker).")
LOG_LINES_DROPPED = Counter("veche_log_lines_dropped",
                            "Request log lines dropped because the log's reader did not keep up.")

# Route labels of requests no URL pattern named: an unknown address, or an answer given before
# routing (a refused body, the https redirect); and static files, served before routing.
UNMATCHED = "unmatched"
STATIC = "static"

KINDS = ("page", "member", "api")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Bound children, so the hot path skips the label lookup.
HITS = {kind: PAGE_CACHE.labels(kind, "hit") for kind in KINDS}
MISSES = {kind: PAGE_CACHE.labels(kind, "miss") for kind in KINDS}


def page_hit(kind: str) -> None:
    """A page of `kind` (page, member, api) answered whole from the page cache (config.front)."""
    HITS[kind].inc()


def page_miss(kind: str) -> None:
    """A page of `kind` that the page cache could have answered was rendered instead (the
    views that store pages)."""
    MISSES[kind].inc()


def method_label(method: str) -> str:
    """The method as a label: any other word a client sends is one value, "other"."""
    return method if method in METHODS else "other"


# (route, method, status) → the bound counter and histogram: the library's label lookup
# checks its arguments every time, which cost twice the increment and the observation.
_bound: Memo[tuple] = Memo("metric-labels", items=4096)


def _bind(key: tuple) -> tuple:
    route, method, status = key
    return REQUESTS.labels(route, method_label(method), str(status)), LATENCY.labels(route)


def count_request(route: str, method: str, status: int, seconds: float) -> None:
    key = (route, method, status)
    bound = _bound.get(key)
    if bound is None:
        bound = _bind(key)
        _bound.put(key, bound)
    bound[0].inc()
    bound[1].observe(seconds)


CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
_LIVE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db$")


def exposition() -> bytes:
    """Every metric in Prometheus's text format: this process's, or with
    PROMETHEUS_MULTIPROC_DIR all the workers' added up; and the task queue's depth, read
    from the queue itself at each scrape."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return generate_latest(REGISTRY) + task_exposition()
    from prometheus_client import multiprocess

    _forget_dead_workers(path)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path)
    return generate_latest(registry) + task_exposition()


def task_exposition() -> bytes:
    """`veche_tasks{state}`: background tasks queued (retries waiting included), running and
    failed, as the queue holds them (one small query, or three Redis counts, per scrape)."""
    from prometheus_client.core import GaugeMetricFamily

    from core import queue

    try:
        depth = queue.depth()
    except Exception:  # noqa: BLE001 (the queue unreachable: the other metrics still answer)
        return b""
    family = GaugeMetricFamily("veche_tasks", "Background tasks in the queue, by state.", labels=["state"])
    for state, n in depth.items():
        family.add_metric([state], n)
    try:
        left: int | None = queue.left_in_default()
    except Exception:  # noqa: BLE001 (unknown is not 0, which would read as "done": left out)
        left = None
    old = None if left is None else GaugeMetricFamily(
        "veche_tasks_left_in_default_queue",
        "Tasks an earlier version left waiting in RQ's queue \"default\": a worker started with "
        "--also-queue default runs them.", value=left)

    class _Once:
        def collect(self):
            yield family
            if old is not None:
                yield old

    registry = CollectorRegistry()
    registry.register(_Once())
    return generate_latest(registry)


def _forget_dead_workers(path: str) -> None:
    """A worker that died (and was replaced) leaves its streams-open gauge behind; those of
    processes no longer running are dropped. Their counters stay: totals only grow."""
    from prometheus_client import multiprocess

    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        m = _LIVE_FILE.search(name)
        if m and not _alive(int(m.group(1))):
            multiprocess.mark_process_dead(int(m.group(1)), path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
