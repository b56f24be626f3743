"""Remark42 backup → Veche.

A backup is newline-delimited JSON: the first line is a meta record ({"version": 1,
"users": […], "posts": […]}), then one comment per line:

    {"id": "…", "pid": "" (top) or the parent's id, "text": "<p>HTML</p>",
     "user": {"name", "id", …}, "locator": {"site", "url"}, "time": RFC 3339,
     "delete": bool, "imported": bool, "title"?: the page title, …}

Comments of one page may be anywhere in the file, so they are spooled (imports.spool) and
written page by page. A line that is not JSON stops the import with its line number before
anything is written; a comment without id, locator or readable time is left out with a
warning. Deleted comments become deleted placeholders. Backups carry hashed emails only, so
members are keyed by Remark42's user id; votes are keyed by user ids that need not match a
commenter, and are not carried over.
"""

import json

from imports import articles
from imports.common import Options, Run, Summary, short_key, write_thread
from imports.errors import ImportFormatError, json_loads
from imports.html2md import html_to_markdown
from imports.records import SourceComment, Status, parse_iso, person
from imports.spool import Spool

SOURCE = "remark42"


def _record(line: str, number: int) -> dict:
    try:
        data = json_loads(line, number)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not a JSON record: {exc.msg} (column {exc.colno})", number) from exc
    if not isinstance(data, dict):
        raise ImportFormatError("each line must be a JSON object", number)
    return data


def _spool(path, spool: Spool, run: Run) -> None:
    summary = run.summary
    with open(path, encoding="utf-8-sig") as fh:
        meta_seen = False
        titled: set[str] = set()  # pages whose title is known (any comment may carry it)
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            data = _record(line, number)
            if not meta_seen:
                if "version" not in data:
                    raise ImportFormatError("the first line must be the backup's version record "
                                            "({\"version\": 1, …}); is this a Remark42 backup?", number)
                meta_seen = True
                continue
            locator = data.get("locator") if isinstance(data.get("locator"), dict) else {}
            cid, url = str(data.get("id") or ""), str(locator.get("url") or "")
            created = parse_iso(str(data.get("time") or ""))
            if not cid or not url or created is None:
                summary.skipped += 1
                summary.warn("a comment without id, locator.url or a readable time was left out", number)
                continue
            user = data.get("user") if isinstance(data.get("user"), dict) else {}
            thread = f"{locator.get('site') or ''} {url}"
            if data.get("title") and thread not in titled:
                titled.add(thread)
                spool.set_thread(thread, {"url": url, "title": str(data["title"])})
            elif thread not in titled:
                spool.add_thread(thread, {"url": url, "title": ""})
            spool.add_item(thread, {
                "id": cid, "pid": str(data.get("pid") or "") or None, "text": str(data.get("text") or ""),
                "time": created.isoformat(), "delete": bool(data.get("delete")),
                "user_id": str(user.get("id") or ""), "name": str(user.get("name") or ""),
                "line": number,
            })
    if not meta_seen:
        raise ImportFormatError("the file is empty: a Remark42 backup starts with a version record", 1)


def load(path, options: Options | None = None) -> Summary:
    run = Run(SOURCE, options)
    with Spool() as spool:
        _spool(path, spool, run)
        for thread in spool.thread_keys():
            meta = spool.thread(thread) or {"url": "", "title": ""}
            comments = [SourceComment(
                id=d["id"], parent=d["pid"], author=person(source_id=d["user_id"], name=d["name"]),
                created=parse_iso(d["time"]), body=html_to_markdown(d["text"]),
                status=Status.DELETED if d["delete"] else Status.VISIBLE, line=d["line"], seq=seq,
            ) for seq, d in spool.items(thread)]
            info = articles.ThreadInfo(short_key(thread), meta["url"], meta["title"])
            first = min(c.created for c in comments)
            write_thread(run, info.key, lambda info=info, first=first: articles.article_for(run, info, first),
                         comments)
    return run.summary
