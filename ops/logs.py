"""Log lines: one per request, and the formats every line is written in.

config/settings/base.py's LOGGING picks the format with VECHE_LOG_FORMAT: `text` (the
default, for a person at a terminal) or `json` (one JSON object a line, for a log shipper).
A request's line holds its time, level, request id, route (the URL pattern's name), method,
status, duration in milliseconds and the signed-in member's id — never its path or query
(a password-reset address carries a token), headers, cookies, a session id or a form field.

A request's line is made and written by one thread of the process (`RequestLines`), not by
the request: making a log record, formatting it and writing it took three times as long as
the ASGI front's whole answer of a cached page. The request hands over a tuple."""

import atexit
import json
import logging
import queue
import threading
import time
from datetime import UTC, datetime

from ops import requestid

requests = logging.getLogger("veche.requests")

# What a request's line carries besides the message; the JSON format writes each as a field.
FIELDS = ("route", "method", "status", "duration_ms", "member")


def log_request(request_id: str, route: str, method: str, status: int, seconds: float,
                member: int | None) -> None:
    """The request's line: INFO, ERROR for a 5xx answer; written soon after, by `lines`."""
    level = logging.ERROR if status >= 500 else logging.INFO
    if requests.isEnabledFor(level):
        lines.put((time.time(), level, request_id, route, method, status, seconds, member))


def _write(item: tuple) -> None:
    created, level, request_id, route, method, status, seconds, member = item
    ms = round(seconds * 1000, 1)
    record = requests.makeRecord(
        requests.name, level, __file__, 0, "%s %s %s %.1f ms member=%s",
        (method, route, status, ms, member if member else "-"), None,
        extra={"request_id": request_id, "route": route, "method": method, "status": status,
               "duration_ms": ms, "member": member})
    record.created, record.msecs = created, int((created - int(created)) * 1000)  # when answered
    requests.handle(record)


class RequestLines:
    """Request lines, handed over by requests and written in order by one daemon thread.
    At most LIMIT wait: past that (the log's reader is stuck) new lines are dropped and counted,
    rather than holding pages or memory. `flush()` waits until all handed over are written
    (tests; the process's exit)."""

    LIMIT = 100_000

    def __init__(self):
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def put(self, item: tuple) -> None:
        if self.queue.qsize() >= self.LIMIT:
            from ops import metrics

            metrics.LOG_LINES_DROPPED.inc()
            return
        self.queue.put(item)
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(target=self._run, name="veche-request-log", daemon=True)
                    self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if isinstance(item, threading.Event):
                item.set()
                continue
            try:
                _write(item)
            except Exception:  # a line that cannot be written must not stop the others
                logging.getLogger(__name__).exception("a request's log line could not be written")

    def flush(self, timeout: float = 5.0) -> None:
        if self.thread is None or not self.thread.is_alive():
            return
        done = threading.Event()
        self.queue.put(done)
        done.wait(timeout)


lines = RequestLines()
atexit.register(lines.flush)


class RequestIdFilter(logging.Filter):
    """Puts the running request's id on every record that has none (a warning logged by a
    view, a cache outage) so its line can be found with the request's."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = requestid.current.get()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):  # a handler configured without the filter
            record.request_id = requestid.current.get()
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, request_id, message, the
    request's fields on a request's line, and the traceback of an exception as `exc`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or requestid.current.get(),
            "message": record.getMessage(),
        }
        for field in FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
