"""Disqus XML export → Veche.

    <disqus> <category dsq:id/>… <thread dsq:id>link, title, createdAt, isDeleted…</thread>…
             <post dsq:id>message (HTML), createdAt, isDeleted, isSpam, author{name, email,
             username, isAnonymous}, <thread dsq:id/>, <parent dsq:id/></post>… </disqus>

Posts come after threads, in no useful order: a reply may precede its parent. The file is
read once into a spool (imports.spool) keeping per post only what is written — ids, parent,
author, time, flags and the message — then written thread by thread.

Decisions, each reported in the summary's warnings:
- stray characters before "<?xml", and attribute values without quotes: repaired;
  anything else malformed: refused with its line (nothing is written before the whole
  file has been read, so a refusal writes nothing);
- a post without dsq:id: keyed by its <id> when it has one, else left out;
- a post whose createdAt cannot be read: left out (its time is the one thing Veche cannot
  invent); a flag that is neither true nor false: read as false;
- a post of a thread the file does not hold: left out;
- a thread marked isDeleted: left out with its posts;
- isDeleted → a deleted placeholder, isSpam → removed with reason "spam" (spam wins when a
  post is both), or left out with skip_removed unless a kept reply needs the placeholder.
"""

from imports import articles
from imports.common import Options, Run, Summary, short_key, write_thread
from imports.errors import ImportFormatError
from imports.html2md import html_to_markdown
from imports.records import SourceComment, Status, parse_iso, person
from imports.spool import Spool
from imports.xmlstream import Record, XMLRecords

SOURCE = "disqus"
_PATHS = {("disqus", "category"), ("disqus", "thread"), ("disqus", "post")}


def _flag(rec: Record, name: str, run: Run) -> bool:
    value = rec.text(name).lower()
    if value in ("", "false", "0"):
        return False
    if value in ("true", "1"):
        return True
    run.summary.warn(f"<{name}>{value[:20]}</{name}> is neither true nor false; read as false", rec.line)
    return False


def _thread(rec: Record, spool: Spool, run: Run) -> None:
    tid = rec.attrs.get("dsq:id")
    if not tid:
        run.summary.warn("a <thread> without dsq:id was ignored", rec.line)
        return
    data = {"link": rec.text("link"), "title": rec.text("title"), "created": rec.text("createdAt"),
            "deleted": _flag(rec, "isDeleted", run), "line": rec.line}
    if not spool.add_thread(tid, data):
        run.summary.warn(f"thread dsq:id={tid} appears twice; the first was kept", rec.line)


def _post(rec: Record, spool: Spool, run: Run) -> None:
    summary = run.summary
    pid = rec.attrs.get("dsq:id") or (f"id-{rec.text('id')}" if rec.text("id") else "")
    if not pid:
        summary.skipped += 1
        summary.warn("a <post> with neither dsq:id nor <id> cannot be told apart on a re-run; "
                     "left out", rec.line)
        return
    thread = rec.attr("thread", "dsq:id")
    if not thread:
        summary.skipped += 1
        summary.warn(f"post {pid} names no thread; left out", rec.line)
        return
    created = parse_iso(rec.text("createdAt"))
    if created is None:
        summary.skipped += 1
        summary.warn(f"post {pid} has an unreadable createdAt {rec.text('createdAt')[:40]!r}; left out",
                     rec.line)
        return
    anonymous = rec.text("author/isAnonymous").lower() == "true"
    spool.add_item(thread, {
        "id": pid, "parent": rec.attr("parent", "dsq:id") or None, "created": created.isoformat(),
        "message": rec.raw("message"), "deleted": _flag(rec, "isDeleted", run),
        "spam": _flag(rec, "isSpam", run), "name": rec.text("author/name"),
        "email": rec.text("author/email"),
        "username": "" if anonymous else rec.text("author/username"), "line": rec.line,
    })


def _comment(seq: int, item: dict) -> SourceComment:
    status, reason = Status.VISIBLE, ""
    if item["spam"]:
        status, reason = Status.REMOVED, "spam"
    elif item["deleted"]:
        status = Status.DELETED
    return SourceComment(
        id=item["id"], parent=item["parent"],
        author=person(source_id=item["username"], email=item["email"], name=item["name"]),
        created=parse_iso(item["created"]), body=html_to_markdown(item["message"]),
        status=status, reason=reason, line=item["line"], seq=seq,
    )


def load(path, options: Options | None = None) -> Summary:
    run = Run(SOURCE, options)
    with Spool() as spool:
        records = XMLRecords(path, _PATHS, run.summary.warn, on_restart=spool.reset)
        for rec in records:
            if rec.name == "thread":
                _thread(rec, spool, run)
            elif rec.name == "post":
                _post(rec, spool, run)
        if records.root not in (None, "disqus"):
            raise ImportFormatError(f"not a Disqus export: the root element is <{records.root}>", 1)
        for tid in spool.thread_keys():
            items = spool.items(tid)
            thread = spool.thread(tid)
            lines = ", ".join(str(d["line"]) for _, d in items[:5])
            if thread is None:
                run.summary.skipped += len(items)
                run.summary.warn(f"{len(items)} post(s) (lines {lines}…) belong to thread dsq:id={tid}, "
                                 "which the file does not hold; left out")
                continue
            if thread["deleted"]:
                run.summary.skipped += len(items)
                run.summary.warn(f"thread dsq:id={tid} is marked deleted; it and its {len(items)} "
                                 "post(s) were left out", thread["line"])
                continue
            comments = [_comment(seq, d) for seq, d in items]
            info = articles.ThreadInfo(short_key(tid), thread["link"], thread["title"],
                                       parse_iso(thread["created"]))
            first = min(c.created for c in comments)
            write_thread(run, info.key, lambda info=info, first=first: articles.article_for(run, info, first),
                         comments)
    return run.summary
