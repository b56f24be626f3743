"""Work the embedded server does itself once it has answered: one thread per process, in order.

In the embedded mode the live stream's broker lives in the server's process, so what must
announce something on it (telling members of a reply: their notifications written, their
unread counts announced) is done by the server, not by the queue's worker process. It used
to run in the posting request itself, after its commit: the post's answer then waited for
every follower of the discussion to be told (posting p50 50 ms on the 10,000-comment
discussion, growing with its followers). Now the request hands it here and answers.

Only a server has the thread: the ASGI front's lifespan starts it (`start()`), and its clean
stop waits for what is left (`flush()`). Any other process — an import, `load-demo`, a script
that posts — does the work where it is asked, since it may exit the moment it is done.
`VECHE_TELL_IN_THREAD` (on by default; the test settings turn it off so a test reads what a
post did at once) can keep even a server from using it. A server killed with work still
waiting loses it, as the request's own after-commit hook did before; with Redis this is a
queued task instead.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)


class Background:
    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.started = False  # by a server's lifespan (config.front): only a server has the thread

    def start(self) -> None:
        """This process serves requests: work handed over from now on goes to the thread."""
        if not self.started:
            self.started = True
            atexit.register(self.flush)  # a stop that skips the lifespan still finishes it

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run fn(*args) after the answer, in this process's background thread — or now, in a
        process that is not a server, or when VECHE_TELL_IN_THREAD is off."""
        if not (self.started and settings.VECHE_TELL_IN_THREAD):
            fn(*args)
            return
        self.queue.put((fn, args))
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(target=self._run, name="veche-background", daemon=True)
                    self.thread.start()

    def _run(self) -> None:
        from django.db import close_old_connections, connections

        while True:
            fn, args = self.queue.get()
            try:
                fn(*args)
            except Exception:  # one failure must not stop what comes after it
                log.exception("background work failed: %s", getattr(fn, "__name__", fn))
            finally:
                if self.queue.empty() and any(c.vendor != "sqlite" for c in connections.all(initialized_only=True)):
                    # Nothing waiting: a database server's connection is given back. SQLite's
                    # is a file kept open, as a request's is: opening it again (its pragmas,
                    # Django's functions registered) was a millisecond of every post's telling.
                    connections.close_all()
                else:
                    close_old_connections()
                self.queue.task_done()

    def flush(self) -> None:
        """Wait until everything submitted so far is done."""
        self.queue.join()


background = Background()
