"""Anonymous article pages on disk, for a static file server in front (docs/deploy.md,
"Pages from disk").

With VECHE_PAGE_MIRROR_DIR set, each article page kept for anonymous readers in its default
form (no query string: the first page, oldest first) is also written under that folder,
beside its compressed forms, once per page generation, by the thread that compresses it
(core.pagecache.Compressor):

    <dir>/<language>/articles/<slug>/index.html        the page
    <dir>/<language>/articles/<slug>/index.html.gz     gzip (nginx: gzip_static)
    <dir>/<language>/articles/<slug>/index.html.br     brotli (nginx: brotli_static)

nginx (`veche mirror-nginx` prints its configuration) answers a reader without a session
from these files when they are there and asks Veche otherwise; Veche is then asked only
when a page is not on disk. A file never shows what Veche would no longer show:

* a change to the discussion removes the article's files (`drop`, called where the page
  generation is raised, and in every other worker when it hears of the new generation);
* a page is written only while its generation is current, checked again after writing;
* a page lives on disk no longer than it is fresh in memory (core.pagecache.TTL: presence
  and view counts), removed by a sweeping thread — the next reader's request remakes it.

Each file is written beside its place and renamed into it, so nginx reads a whole file or
none; the plain page is written last and removed first, because nginx looks for it before
the compressed forms. The views of pages nginx served reach Veche through nginx's log sent
to a socket (newsroom.viewlog). Nothing here is the only copy of anything: an empty folder
only means nginx asks Veche.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# How often this process removes its pages past their time: a page stays at most this much
# longer than it is fresh in memory, where the front (past TTL) has one reader's request remake
# it at once — so removed at its time, it is back on disk a render and a compression later.
SWEEP_SECONDS = 0.25
FOLDER_SWEEP_SECONDS = 10.0  # how often it removes anyone's left on disk past their time
# The encodings written beside the page, by file suffix (core.compress.forms' names).
SUFFIXES = {"br": ".br", "gzip": ".gz"}


def folder() -> Path | None:
    """The folder pages are written under, None when the mirror is off."""
    from django.conf import settings

    path = getattr(settings, "VECHE_PAGE_MIRROR_DIR", "")
    return Path(path) if path else None


def mirrored_variant(variant: str) -> str | None:
    """The language of a variant (newsroom.variations) whose page is mirrored — the default
    address in that language — else None."""
    order, page, language = variant.split(":", 2)
    return language if (order, page) == ("oldest", "1") else None


def safe_slug(slug: str) -> bool:
    """A slug that names one folder below `articles/` (the front's pattern allows anything
    but a slash; a path must not climb out)."""
    return bool(slug) and slug not in (".", "..") and "/" not in slug and "\\" not in slug and "\0" not in slug


class Mirror:
    """The pages this process wrote, to remove them when their article changes or they age;
    and a sweep of the whole folder for pages nobody tracks any more (a worker killed)."""

    def __init__(self) -> None:
        # folder of one page → (article id, the time it expires)
        self.written: dict[Path, tuple[int, float]] = {}
        # article id → drops while a page of it was being written (that write gives way), and
        # the writes of it going on: kept only while one is.
        self.drops: dict[int, int] = {}
        self.writing: dict[int, int] = {}
        self.closed = False  # the worker is stopping: nothing more is written
        self.lock = threading.Lock()
        self.sweeper: threading.Thread | None = None
        self.pending: queue.SimpleQueue[int] = queue.SimpleQueue()  # drops heard from other workers
        self.warned = 0.0
        self.lifetime = 5.0  # seconds a page lives: core.pagecache.TTL, which sets it

    def write(self, article_id: int, slug: str, variant: str, body: bytes, forms: dict[str, bytes],
              expires: float, current: Callable[[], bool]) -> bool:
        """Write a page and its compressed forms, to be removed at `expires`; False when it is
        not one to mirror, or its generation has passed (`current()`) or its article was
        dropped before or while it was written — then nothing of it stays on disk."""
        root = folder()
        language = mirrored_variant(variant)
        if root is None or language is None or not safe_slug(slug) or self.closed:
            return False
        if time.time() >= expires or not current():
            return False
        place = root / language / "articles" / slug
        with self.lock:
            drops = self.drops.get(article_id, 0)
            self.writing[article_id] = self.writing.get(article_id, 0) + 1
        try:
            return self._write(root, place, article_id, slug, body, forms, expires, current, drops)
        finally:
            with self.lock:
                self.writing[article_id] -= 1
                if not self.writing[article_id]:
                    del self.writing[article_id]
                    self.drops.pop(article_id, None)

    def _write(self, root: Path, place: Path, article_id: int, slug: str, body: bytes, forms: dict[str, bytes],
               expires: float, current: Callable[[], bool], drops: int) -> bool:
        try:
            # The article's slug by its id, so that any worker can remove its pages (`drop`).
            (root / ".articles").mkdir(parents=True, exist_ok=True, mode=0o700)
            _put(root / ".articles" / str(article_id), slug.encode())
            for encoding, suffix in SUFFIXES.items():
                if encoding in forms:
                    _put(place / f"index.html{suffix}", forms[encoding])
                else:
                    _remove(place / f"index.html{suffix}")
            _put(place / "index.html", body)
        except OSError as exc:
            self._warn("page not written to the mirror (%s): %s", place, exc)
            self._remove_files(place)
            return False
        with self.lock:
            if self.drops.get(article_id, 0) == drops and not self.closed:
                self.written[place] = (article_id, expires)
                dropped = False
            else:
                dropped = True
        if dropped or not current():  # changed while it was written
            self._remove_files(place)
            return False
        self._start_sweeper()
        return True

    def drop(self, article_id: int) -> None:
        """Remove the article's pages, whichever worker wrote them: its discussion changed."""
        root = folder()
        if root is None:
            return
        with self.lock:
            if article_id in self.writing:
                self.drops[article_id] = self.drops.get(article_id, 0) + 1
            places = {p for p, (a, _e) in self.written.items() if a == article_id}
            for place in places:
                del self.written[place]
        try:
            slug = (root / ".articles" / str(article_id)).read_bytes().decode()
        except (OSError, UnicodeDecodeError):
            slug = ""
        if safe_slug(slug):
            from django.conf import settings

            places.update(root / code / "articles" / slug for code, _name in settings.LANGUAGES)
        for place in places:
            self._remove_files(place)

    def drop_later(self, article_id: int) -> None:
        """drop(), by the sweeper's thread: for a thread that must not wait on the disk (the
        listener of other workers' changes)."""
        if folder() is None:
            return
        self.pending.put(article_id)
        self._start_sweeper()

    def sweep(self, now: float | None = None) -> int:
        """Remove this process's pages past their time; how many."""
        now = time.time() if now is None else now
        with self.lock:
            old = [p for p, (_a, expires) in self.written.items() if expires <= now]
            for place in old:
                del self.written[place]
        for place in old:
            self._remove_files(place)
        return len(old)

    def sweep_folder(self, now: float | None = None) -> int:
        """Remove every page on disk written longer ago than a page lives, whoever wrote it:
        one whose worker was killed before it could; how many."""
        root = folder()
        if root is None or not root.is_dir():
            return 0
        oldest = (time.time() if now is None else now) - self.lifetime - FOLDER_SWEEP_SECONDS
        removed = 0
        for part in root.glob("*/articles/*/.index.html*"):  # half-written by a worker killed meanwhile
            try:
                if part.stat().st_mtime < oldest:
                    part.unlink()
            except OSError:
                continue
        for page in root.glob("*/articles/*/index.html"):
            try:
                old = page.stat().st_mtime < oldest
            except OSError:
                continue
            if old:
                self._remove_files(page.parent)
                removed += 1
        return removed

    def _remove_files(self, place: Path) -> None:
        _remove(place / "index.html")  # first: nginx then asks Veche
        for suffix in SUFFIXES.values():
            _remove(place / f"index.html{suffix}")

    def _warn(self, message: str, *args) -> None:
        """A warning at most once a minute (a folder that cannot be written fails every page)."""
        if time.monotonic() - self.warned > 60:
            self.warned = time.monotonic()
            log.warning(message, *args)

    def _start_sweeper(self) -> None:
        if self.sweeper is not None and self.sweeper.is_alive():
            return
        with self.lock:
            if self.sweeper is None or not self.sweeper.is_alive():
                self.sweeper = threading.Thread(target=self._sweep_forever, name="veche-mirror", daemon=True)
                self.sweeper.start()

    def _sweep_forever(self) -> None:
        next_sweep = next_folder_sweep = time.monotonic()
        while True:
            try:
                article_id: int | None = self.pending.get(timeout=max(0.0, next_sweep - time.monotonic()))
            except queue.Empty:
                article_id = None
            try:
                if article_id is not None:
                    self.drop(article_id)
                now = time.monotonic()
                if now >= next_sweep:  # on time, however many drops come meanwhile
                    next_sweep = now + SWEEP_SECONDS
                    self.sweep()
                if now >= next_folder_sweep:
                    next_folder_sweep = now + FOLDER_SWEEP_SECONDS
                    self.sweep_folder()
            except Exception:  # the next turn tries again
                log.exception("mirror sweep failed")

    def clear(self, own: bool = False) -> None:
        """Remove every page on disk, whoever wrote it: at a worker's start (a worker that
        died could not remove its own) and in tests; `own`: those this process wrote (a
        worker stopping)."""
        root = folder()
        with self.lock:
            places = set(self.written)
            self.written.clear()
        if root is not None and root.is_dir() and not own:
            places.update(p.parent for p in root.glob("*/articles/*/index.html*"))
        for place in places:
            self._remove_files(place)

    def close(self) -> None:
        """The worker stops: nothing more is written (a page being written as it stops is
        removed when written), and its own pages go."""
        with self.lock:
            self.closed = True
        self.clear(own=True)


def _put(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole: beside it first (a name no other process or machine
    sharing the folder uses), then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    fd, part = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(part, 0o644)  # nginx's workers run as another user
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(part)
        raise


def _remove(path: Path) -> None:
    """Remove a file; one that cannot be removed is told of once a minute, never raised: this
    runs after a commit, where an error would fail a request already done."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        mirror._warn("page not removed from the mirror (%s): %s", path, exc)


mirror = Mirror()
