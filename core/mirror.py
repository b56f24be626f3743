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
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0
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
    """The pages this process wrote, to remove them when their article changes or they age."""

    def __init__(self) -> None:
        # folder of one page → (article id, the time it expires)
        self.written: dict[Path, tuple[int, float]] = {}
        self.lock = threading.Lock()
        self.sweeper: threading.Thread | None = None

    def write(self, article_id: int, slug: str, variant: str, body: bytes, forms: dict[str, bytes],
              expires: float, current: Callable[[], bool]) -> bool:
        """Write a page and its compressed forms, to be removed at `expires`; False when it is
        not one to mirror or `current()` says its generation has passed, before or after the
        writing (then nothing of it stays on disk)."""
        root = folder()
        language = mirrored_variant(variant)
        if root is None or language is None or not safe_slug(slug):
            return False
        if time.time() >= expires or not current():
            return False
        place = root / language / "articles" / slug
        with self.lock:  # registered first: a drop from now on removes what is written below
            self.written[place] = (article_id, expires)
        try:
            place.mkdir(parents=True, exist_ok=True, mode=0o755)
            # The article's slug by its id, so that any worker can remove its pages (`drop`).
            (root / ".articles").mkdir(exist_ok=True, mode=0o700)
            _put(root / ".articles" / str(article_id), slug.encode())
            for encoding, suffix in SUFFIXES.items():
                if encoding in forms:
                    _put(place / f"index.html{suffix}", forms[encoding])
                else:
                    _remove(place / f"index.html{suffix}")
            _put(place / "index.html", body)
        except OSError as exc:
            log.warning("page not written to the mirror (%s): %s", place, exc)
            self._remove_page(place, whatever=True)
            return False
        if not current():  # changed while it was written (a drop
            self._remove_page(place, whatever=True)  # meanwhile may have missed the last file)
            return False
        self._start_sweeper()
        return True

    def drop(self, article_id: int) -> None:
        """Remove the article's pages, whichever worker wrote them: its discussion changed."""
        root = folder()
        if root is None:
            return
        with self.lock:
            places = {p for p, (a, _e) in self.written.items() if a == article_id}
        try:
            slug = (root / ".articles" / str(article_id)).read_bytes().decode()
        except (OSError, UnicodeDecodeError):
            slug = ""
        if safe_slug(slug):
            from django.conf import settings

            places.update(root / code / "articles" / slug for code, _name in settings.LANGUAGES)
        for place in places:
            self._remove_page(place, whatever=True)

    def sweep(self, now: float | None = None) -> int:
        """Remove the pages past their time; how many."""
        now = time.time() if now is None else now
        with self.lock:
            old = [p for p, (_a, expires) in self.written.items() if expires <= now]
        for place in old:
            self._remove_page(place, only_if_expired=now)
        return len(old)

    def _remove_page(self, place: Path, only_if_expired: float | None = None, whatever: bool = False) -> None:
        """Remove a page this process wrote; `whatever`: its files even when it is no longer
        counted as written here."""
        with self.lock:
            kept = self.written.get(place)
            if kept is None and not whatever:
                return  # removed already
            if kept is not None and only_if_expired is not None and kept[1] > only_if_expired:
                return  # rewritten meanwhile, with a later time
            self.written.pop(place, None)
            _remove(place / "index.html")  # first: nginx then asks Veche
            for suffix in SUFFIXES.values():
                _remove(place / f"index.html{suffix}")

    def _start_sweeper(self) -> None:
        if self.sweeper is not None and self.sweeper.is_alive():
            return
        with self.lock:
            if self.sweeper is None or not self.sweeper.is_alive():
                self.sweeper = threading.Thread(target=self._sweep_forever, name="veche-mirror", daemon=True)
                self.sweeper.start()

    def _sweep_forever(self) -> None:
        while True:
            time.sleep(SWEEP_SECONDS)
            try:
                self.sweep()
            except Exception:  # the next turn tries again
                log.exception("mirror sweep failed")

    def clear(self, own: bool = False) -> None:
        """Remove every page on disk, whoever wrote it: at a worker's start (a worker that
        died could not remove its own) and in tests; `own`: those this process wrote (a
        worker stopping)."""
        root = folder()
        with self.lock:
            places = set(self.written)
        if root is not None and root.is_dir() and not own:
            places.update(p.parent for p in root.glob("*/articles/*/index.html*"))
        for place in places:
            self._remove_page(place, whatever=True)


def _put(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole: beside it first, then renamed over it."""
    part = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    with open(part, "wb") as f:
        f.write(data)
    os.chmod(part, 0o644)  # nginx's workers run as another user
    os.replace(part, path)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


mirror = Mirror()
