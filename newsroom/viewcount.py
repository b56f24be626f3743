"""Page views: counted in the process, written to the database every few seconds and when the
process stops cleanly.

Reading an article costs no write and no round trip: the view is a count in this process's
memory. A thread writes the counts gathered every FLUSH_SECONDS (all articles in one
transaction); `veche serve` writes the rest at shutdown (config.front's lifespan handler, on
SIGTERM or SIGINT), and an exit hook does for other servers. A crash loses at most the last
few seconds of views.

Every page shows the stored count only — the article, the listings and the API alike — so
they agree with each other and across workers; none of them counts the views still waiting
here, which reach all of them together at the next write.
"""

import atexit
import logging
import threading

log = logging.getLogger(__name__)

DEFAULT_FLUSH_SECONDS = 3.0  # the most a clean stop never loses, and how stale a count may be

_pending: dict[int, int] = {}  # article id → views not written yet
# Other per-view writes kept in the process and written by this module's flush, at its times
# and at shutdown: each has flush() and forget() (visits.marks registers itself).
ALSO: list = []
_lock = threading.Lock()


def count(article_id: int, views: int = 1) -> None:
    """One view of the article (or `views`), written with the next flush."""
    with _lock:
        _pending[article_id] = _pending.get(article_id, 0) + views
    if flusher.thread is None:
        flusher.start()


def pending(article_id: int) -> int:
    """Views of the article this process counted and has not written yet."""
    return _pending.get(article_id, 0)


def _take() -> dict[int, int]:
    global _pending
    with _lock:
        taken, _pending = _pending, {}
    return taken


def _give_back(counts: dict[int, int]) -> None:
    with _lock:
        for article_id, n in counts.items():
            _pending[article_id] = _pending.get(article_id, 0) + n


def flush() -> int:
    """Write the views counted so far, every article in one transaction; returns how many.
    If the write fails they are kept for the next flush, so a busy or restarting database
    delays views but does not lose them."""
    from django.db import connection, transaction

    for also in ALSO:  # writes that ride with the views' (visits.marks: how far members read)
        also.flush()
    counts = _take()
    if not counts:
        return 0
    from newsroom import sql
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # In id order, so two workers flushing at once take the rows' locks in one order.
            cursor.executemany(sql.ADD_VIEWS, [(n, article_id) for article_id, n in sorted(counts.items())])
    except Exception:
        _give_back(counts)
        raise
    return sum(counts.values())


def flush_and_close() -> int:
    """flush() from a thread of its own (the timer, the shutdown), which then lets its
    database connection go."""
    from django.db import connections

    try:
        return flush()
    finally:
        connections.close_all()


def flush_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "VECHE_VIEW_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))


class Flusher:
    """The thread that writes views every few seconds, started by the first view counted.
    With VECHE_VIEW_FLUSH_SECONDS at 0 (the test settings) there is none: flush() is called
    when wanted."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def start(self) -> None:
        seconds = flush_seconds()
        if seconds <= 0:
            return
        with self.lock:
            if self.thread is not None:
                return
            self.thread = threading.Thread(target=self._run, args=(seconds,), name="veche-views", daemon=True)
            self.thread.start()
            atexit.register(self.stop)

    def _run(self, seconds: float) -> None:
        from django.db import close_old_connections

        while not self.stopping.wait(seconds):
            try:
                flush()
            except Exception as exc:  # kept for the next turn
                log.warning("page views not written yet: %s", exc)
            finally:
                close_old_connections()

    def stop(self) -> int:
        """Write what is left; the timer stops. Safe to call more than once. Waits for a
        write the timer has begun: the process may end right after, taking that thread."""
        self.stopping.set()
        thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        try:
            return flush_and_close()
        except Exception as exc:
            log.error("page views lost at shutdown: %s", exc)
            return 0


flusher = Flusher()


def forget() -> None:
    """Drop the views not written (tests, benchmarks)."""
    _take()
    for also in ALSO:
        also.forget()
