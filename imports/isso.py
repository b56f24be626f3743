"""Isso → Veche, from either of Isso's two formats (told apart by the file's first bytes):

- its SQLite database: threads(id, uri, title) and comments(tid, id, parent, created,
  modified, mode, remote_addr, text, author, email, website, likes, dislikes, voters), with
  `created`/`modified` in epoch seconds (UTC) and `mode` 1 accepted, 2 pending, 4 deleted;
- its generic JSON: [{"id": uri, "title": …, "comments": [{"id", "author", "email",
  "website", "remote_addr", "created": "YYYY-MM-DD HH:MM:SS" (UTC), "text", "parent"?}]}].

Texts are Markdown and are kept as Markdown. Threads are keyed by their URI in both, so
the same site imported from either lands on the same comments. Isso's likes and dislikes
are counts without voters, and Veche counts only votes somebody cast, so they are not
carried over. The JSON is read whole (Isso writes it for small sites); the database is
read one thread at a time.
"""

import re
import sqlite3
from pathlib import Path
from urllib.parse import unquote_plus

from imports import articles
from imports.common import Options, Run, Summary, short_key, write_thread
from imports.errors import ImportFormatError, json_loads
from imports.records import SourceComment, Status, from_epoch, parse_iso, person

SOURCE = "isso"
SQLITE_MAGIC = b"SQLite format 3\x00"
_MODES = {1: Status.VISIBLE, 2: Status.HELD, 4: Status.DELETED}
_FORM_ENCODED = re.compile(r"^\S*(?:\w\+\w|%[0-9A-Fa-f]{2})\S*$")


def _title(text: str) -> str:
    # Titles in the generic format arrive form-encoded ("Nat+%26+Miguel"); a title with
    # spaces, or without "+" or "%xx" between word characters, is left as it is.
    text = text or ""
    return unquote_plus(text) if _FORM_ENCODED.match(text) else text


def _write(run: Run, uri: str, title: str, comments: list[SourceComment]) -> None:
    if not comments:
        return
    info = articles.ThreadInfo(short_key(uri), uri, _title(title))
    first = min(c.created for c in comments)
    write_thread(run, info.key, lambda: articles.article_for(run, info, first), comments)


def _from_row(row, seq: int, run: Run) -> SourceComment | None:
    cid, parent, created, modified, mode, text, author, email = row
    when = from_epoch(created)
    if when is None:
        run.summary.skipped += 1
        run.summary.warn(f"comment {cid} has no readable time; left out")
        return None
    if mode not in _MODES:
        run.summary.warn(f"comment {cid} has mode {mode!r}; held for moderation")
    return SourceComment(
        id=str(cid), parent=str(parent) if parent is not None else None,
        author=person(email=email, name=author), created=when, body=text or "",
        status=_MODES.get(mode, Status.HELD), edited=from_epoch(modified) if modified else None,
        seq=seq,
    )


def _load_sqlite(path, run: Run) -> None:
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"threads", "comments"} <= tables:
            raise ImportFormatError("not an Isso database: it has no tables “threads” and “comments”")
        threads = db.execute("SELECT id, uri, title FROM threads ORDER BY id").fetchall()
        for tid, thread_uri, title in threads:
            rows = db.execute(
                "SELECT id, parent, created, modified, mode, text, author, email FROM comments "
                "WHERE tid = ? ORDER BY id", (tid,))
            comments = [c for seq, row in enumerate(rows) if (c := _from_row(row, seq, run))]
            _write(run, thread_uri or f"isso-thread-{tid}", title or "", comments)
    except sqlite3.DatabaseError as exc:
        raise ImportFormatError(f"the Isso database cannot be read: {exc}") from exc
    finally:
        db.close()


def _load_json(path, run: Run) -> None:
    with open(path, encoding="utf-8-sig") as fh:
        data = json_loads(fh.read())
    if not isinstance(data, list):
        raise ImportFormatError("not Isso's generic JSON: the file must hold a list of threads", 1)
    for n, thread in enumerate(data, start=1):
        if not isinstance(thread, dict) or not isinstance(thread.get("comments"), list) or not thread.get("id"):
            raise ImportFormatError(f"thread #{n} lacks an “id” or a “comments” list")
        comments = []
        for seq, item in enumerate(thread["comments"]):
            created = parse_iso(str(item.get("created") or "")) if isinstance(item, dict) else None
            if created is None:
                run.summary.skipped += 1
                run.summary.warn(f"a comment of thread {thread['id']!r} has no readable “created”; left out")
                continue
            parent = item.get("parent")
            comments.append(SourceComment(
                id=str(item.get("id", f"n{seq}")), parent=str(parent) if parent is not None else None,
                author=person(email=item.get("email"), name=item.get("author")), created=created,
                body=str(item.get("text") or ""), seq=seq,
            ))
        _write(run, str(thread["id"]), str(thread.get("title") or ""), comments)


def load(path, options: Options | None = None) -> Summary:
    run = Run(SOURCE, options)
    with open(path, "rb") as fh:
        magic = fh.read(len(SQLITE_MAGIC))
    if magic == SQLITE_MAGIC:
        _load_sqlite(path, run)
    else:
        _load_json(path, run)
    return run.summary
