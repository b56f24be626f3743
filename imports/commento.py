"""Commento JSON export → Veche.

    {"version": 1,
     "comments": [{"commentHex", "domain", "url" (the page's path), "commenterHex"
                   ("anonymous" for guests), "markdown", "html", "parentHex" ("root" for
                   top), "score", "state" (approved | unapproved | flagged), "creationDate",
                   "deleted"}],
     "commenters": [{"commenterHex", "email", "name", "link", "joinDate", "deleted"?}]}

The Markdown is kept; when it is empty the HTML is converted. Unapproved and flagged
comments are held for moderation; deleted ones become deleted placeholders. Every guest is
one "Anonymous" member, as Commento shows them. Scores are counts without voters and are
not carried over. A thread's URL is https://<domain><url>, matched by its path as well.
The file is one JSON document and is read whole, as Commento writes it.
"""


from imports import articles
from imports.common import Options, Run, Summary, short_key, write_thread
from imports.errors import ImportFormatError, json_loads
from imports.html2md import html_to_markdown
from imports.records import SourceComment, Status, parse_iso, person

SOURCE = "commento"
_STATES = {"approved": Status.VISIBLE, "unapproved": Status.HELD, "flagged": Status.HELD}


def _people(data: dict) -> dict:
    people = {}
    for c in data.get("commenters") or []:
        if isinstance(c, dict) and c.get("commenterHex"):
            people[c["commenterHex"]] = person(
                source_id=c["commenterHex"], email=c.get("email"), name=c.get("name"),
                deleted=bool(c.get("deleted")), joined=parse_iso(str(c.get("joinDate") or "")),
            )
    return people


def load(path, options: Options | None = None) -> Summary:
    run = Run(SOURCE, options)
    summary = run.summary
    with open(path, encoding="utf-8-sig") as fh:
        data = json_loads(fh.read())
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise ImportFormatError("not a Commento export: no “comments” list at the top", 1)
    people = _people(data)
    guest = person(source_id="anonymous", name="Anonymous")
    threads: dict[tuple[str, str], list[SourceComment]] = {}
    for seq, c in enumerate(data["comments"]):
        created = parse_iso(str(c.get("creationDate") or "")) if isinstance(c, dict) else None
        if created is None or not c.get("commentHex"):
            summary.skipped += 1
            summary.warn(f"comment #{seq + 1} lacks a commentHex or a readable creationDate; left out")
            continue
        state = str(c.get("state") or "approved")
        if state not in _STATES:
            summary.warn(f"comment {c['commentHex'][:12]}… has state {state[:20]!r}; held for moderation")
        who = c.get("commenterHex")
        author = guest if who in (None, "", "anonymous") else people.get(who) or person(source_id=who)
        body = str(c.get("markdown") or "") or html_to_markdown(str(c.get("html") or ""))
        parent = c.get("parentHex")
        threads.setdefault((str(c.get("domain") or ""), str(c.get("url") or "")), []).append(SourceComment(
            id=str(c["commentHex"]), parent=None if parent in (None, "", "root") else str(parent),
            author=author, created=created, body=body, seq=seq,
            status=Status.DELETED if c.get("deleted") else _STATES.get(state, Status.HELD),
        ))
    for (domain, url), comments in threads.items():
        full = f"https://{domain}{url}" if domain else url
        info = articles.ThreadInfo(short_key(f"{domain}{url}"), full, "")
        first = min(c.created for c in comments)
        write_thread(run, info.key, lambda info=info, first=first: articles.article_for(run, info, first),
                     comments)
    return summary
