"""A Veche export (imports/export.py, docs/export-format.md) → Veche.

Into an empty site this recreates the exported one: the same sections, tags, members,
authors and articles (same slugs and logins), comments with the same tree, statuses and
times, votes and quotes. Comments get new ids; each keeps its export key as source_key, so
a second export of the new site equals the first, and a re-run skips what is there.

Comments go through the discussion's actions, so counters are the actions' own: a comment
is posted, its counted votes are cast with do_vote, then it takes its final status with
do_set_status (a removed comment's votes leave its author's rating as they did on the old
site). Where the file's plus, minus or comment_count differ from what the actions produced,
a warning says so. Restored as data rather than re-enacted: a vote's time, an edit's time,
votes quarantined as a brigade (counted=false, which by definition changed no counter),
members (there is no action to sign up someone else with a password hash) and the
moderation app's rows (see imports.rows.create_row).

Each article with its comments, votes and quotes is one transaction.
"""

import json
import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Member
from core.text import fold
from discussion import actions as discussion_actions
from discussion.models import Comment, Quote, Vote
from imports import rows
from imports.common import (
    EMPTY_BODY,
    LOOKUP_BATCH,
    MEMBER_CACHE_MAX,
    Options,
    Run,
    Summary,
    one_live_event,
    truncate,
)
from imports.errors import ImportFormatError, json_loads
from imports.export import FORMAT, VERSION
from imports.records import Status, parse_iso
from newsroom.actions import do_save_article
from newsroom.models import Article, Author, Section, Tag

SOURCE = "veche"
PRELUDE_BATCH = 1000  # sections, tags, members and authors committed this many at a time
_KEY_REF = re.compile(r"\[quote=key:([^\]\s]+)\]")
_PRELUDE = ("section", "tag", "member", "author")


class _Import:
    def __init__(self, run: Run):
        self.run = run
        self.summary = run.summary
        self.header = False
        self.thread: dict | None = None  # the article being read: its record and comments
        self.batch: list[tuple[dict, int]] = []
        self.members: dict[str, Member] = {}
        self.restored: set = set()  # moderation models that got rows with their own ids
        self.unknown: set[str] = set()

    # --- dispatch -------------------------------------------------------------------
    def record(self, rec: dict, line: int) -> None:
        kind = rec.get("type")
        if not self.header:
            if kind != FORMAT:
                raise ImportFormatError(f"the first record must be the “{FORMAT}” header", line)
            if not isinstance(rec.get("version"), int) or rec["version"] > VERSION:
                raise ImportFormatError(f"export format version {rec.get('version')!r}; this Veche "
                                        f"reads version {VERSION} and older", line)
            self.header = True
            return
        if kind in _PRELUDE or (isinstance(kind, str) and "." in kind):
            self._end_thread()
            self.batch.append((rec, line))
            if len(self.batch) >= PRELUDE_BATCH:
                self._flush_batch()
        elif kind == "article":
            self._flush_batch()
            self._end_thread()
            self.thread = {"article": rec, "line": line, "comments": []}
        elif kind == "comment":
            if self.thread is None or rec.get("article") != self.thread["article"].get("slug"):
                raise ImportFormatError("a comment must follow the article it belongs to", line)
            self.thread["comments"].append({"rec": rec, "line": line, "votes": [], "quotes": []})
        elif kind in ("vote", "quote"):
            if not self.thread or not self.thread["comments"] or \
                    self.thread["comments"][-1]["rec"].get("key") != rec.get("comment"):
                raise ImportFormatError(f"a {kind} must follow the comment it belongs to", line)
            self.thread["comments"][-1][kind + "s"].append((rec, line))
        elif kind not in self.unknown:
            self.unknown.add(kind)
            self.summary.warn(f"records of type {kind!r} are not known to this Veche; left out", line)

    def finish(self) -> None:
        if not self.header:
            raise ImportFormatError(f"the file is empty: an export starts with the “{FORMAT}” header", 1)
        self._flush_batch()
        self._end_thread()
        if self.restored:
            rows.reset_sequences(list(self.restored))

    # --- sections, tags, members, authors, moderation rows ---------------------------
    def _flush_batch(self) -> None:
        if not self.batch:
            return
        with transaction.atomic():
            for rec, line in self.batch:
                kind = rec["type"]
                try:
                    handlers = {"section": self._section, "tag": self._tag, "member": self._member,
                                "author": self._author}
                    handlers.get(kind, self._generic)(rec)
                except (KeyError, TypeError, ValueError, ValidationError) as exc:
                    raise ImportFormatError(f"the {kind} record is incomplete or malformed ({exc})", line) from exc
                except IntegrityError as exc:
                    raise ImportFormatError(f"the {kind} record clashes with what this site holds ({exc})",
                                            line) from exc
        self.batch = []

    def _section(self, r: dict) -> None:
        Section.objects.get_or_create(slug=r["slug"], defaults={
            "name": r["name"], "description": r.get("description", ""),
            "position": r.get("position", 0), "premoderated": r.get("premoderated", False)})

    def _tag(self, r: dict) -> None:
        Tag.objects.get_or_create(slug=r["slug"], defaults={"name": r["name"]})

    def _member(self, r: dict) -> None:
        if Member.objects.filter(login_folded=fold(r["login"])).exists():
            return  # the same login is taken to be the same member: a re-run, or a merge
        import_key = r.get("import_key")
        if import_key and Member.objects.filter(import_key=import_key).exists():
            self.summary.warn(f"member {r['login']!r}: another member already stands for "
                              f"{import_key!r}; this one keeps no import key")
            import_key = None
        Member(
            login=r["login"], real_name=r.get("real_name", ""), email=r.get("email", ""),
            about=r.get("about", ""), date_joined=parse_iso(r.get("date_joined")) or timezone.now(),
            last_seen=parse_iso(r.get("last_seen")), replies_seen_at=parse_iso(r.get("replies_seen_at")),
            is_active=r.get("is_active", True), is_staff=r.get("is_staff", False),
            is_superuser=r.get("is_superuser", False), is_deleted=r.get("is_deleted", False),
            is_imported=r.get("is_imported", False), import_key=import_key,
            password=r.get("password") or make_password(None),
            # A language this site does not know is left unchosen (the browser's, as for a visitor).
            language=_known_language(r.get("language")),
            profile_indexable=r.get("profile_indexable") is True,
        ).save()

    def _author(self, r: dict) -> None:
        if Author.objects.filter(slug=r["slug"]).exists():
            return
        member = Member.objects.filter(login=r["member"]).first() if r.get("member") else None
        Author.objects.create(name=r["name"], slug=r["slug"], bio=r.get("bio", ""), member=member)

    def _generic(self, r: dict) -> None:
        model = rows.model_for(r["type"])
        if model is None:
            if r["type"] not in self.unknown:
                self.unknown.add(r["type"])
                self.summary.warn(f"records of type {r['type']!r} have no model here; left out")
            return
        created, why = rows.create_row(model, r)
        if created:
            self.restored.add(model)
        elif why:
            self.summary.warn(f"{r['type']} {r.get('id')!r} was left out: {why}")

    def member(self, login: str, line: int) -> Member:
        found = self.members.get(login)
        if found is None:
            found = Member.objects.filter(login=login).first()
            if found is None:
                raise ImportFormatError(f"the file does not list the member {login!r}", line)
            if len(self.members) >= MEMBER_CACHE_MAX:
                self.members.clear()
            self.members[login] = found
        return found

    # --- one article with its discussion ---------------------------------------------
    def _end_thread(self) -> None:
        if self.thread is None:
            return
        thread, self.thread = self.thread, None
        holder: dict[str, Article] = {}
        try:
            with (transaction.atomic(), one_live_event(lambda: holder["a"].pk if "a" in holder else None),
                  discussion_actions.one_thread_change()):
                article = holder["a"] = self._article(thread["article"], thread["line"])
                self._comments(article, thread["comments"])
                self._check_count(article, thread["article"], thread["line"])
        except (KeyError, TypeError, ValueError, ValidationError) as exc:
            raise ImportFormatError(f"a record of this article is incomplete or malformed ({exc})",
                                    thread["line"]) from exc
        except IntegrityError as exc:
            raise ImportFormatError(f"this article clashes with what this site holds ({exc})",
                                    thread["line"]) from exc
        self.summary.threads += 1

    def _article(self, r: dict, line: int) -> Article:
        found = Article.objects.filter(slug=r["slug"]).first()
        if found is not None:
            self.summary.articles_matched += 1
            return found
        section = Section.objects.filter(slug=r["section"]).first()
        if section is None:
            raise ImportFormatError(f"article {r['slug']!r} is in section {r['section']!r}, "
                                    "which the file does not list", line)
        article = Article(
            slug=r["slug"], title=r["title"], lead=r.get("lead", ""), body=r["body"], section=section,
            author=Author.objects.filter(slug=r["author"]).first() if r.get("author") else None,
            state=r["state"], published_at=parse_iso(r["published_at"]), source_url=r.get("source_url", ""),
            views=r.get("views", 0), comments_open=r.get("comments_open", True),
            comments_close_after_days=r.get("comments_close_after_days"),
            premoderated=r.get("premoderated", False),
        )
        do_save_article(article)
        tags = list(Tag.objects.filter(slug__in=r.get("tags", [])))
        if len(tags) != len(r.get("tags", [])):
            self.summary.warn(f"article {r['slug']!r} names tags the file does not list", line)
        article.tags.add(*tags)
        self.summary.articles_created += 1
        return article

    def _comments(self, article: Article, items: list[dict]) -> None:
        keys = [c["rec"]["key"] for c in items]
        made: dict[str, Comment] = {}
        for i in range(0, len(keys), LOOKUP_BATCH):
            made.update({c.source_key: c for c in Comment.objects.filter(source_key__in=keys[i:i + LOOKUP_BATCH])})
        existing = set(made)
        for item in items:
            r = item["rec"]
            if r["key"] in existing:
                self.summary.comments_existing += 1
                continue
            made[r["key"]] = self._comment(article, item, made)
            self.run.tick()

    def _comment(self, article: Article, item: dict, made: dict[str, Comment]) -> Comment:
        r, line = item["rec"], item["line"]
        parent = made.get(r["parent"]) if r.get("parent") else None
        if r.get("parent") and parent is None:
            self.summary.orphans += 1
            self.summary.warn(f"comment {r['key']!r} replies to {r['parent']!r}, which is not in its "
                              "article; made top-level", line)
        body = _body_with_ids(r["body"], made)
        if not body.strip():
            self.summary.empty += 1
            body = EMPTY_BODY
        body = truncate(body, self.summary, line)
        final = r["status"]
        voted = any(vote.get("counted", True) for vote, _ in item["votes"])
        # Counted votes need a public comment to count; a comment that ends up not public
        # without any is written held, so no counter moves for it at all.
        first = Status.VISIBLE if final == Status.VISIBLE or voted else Status.HELD
        draft = discussion_actions.check_import(article, body, parent, status=first)
        comment = discussion_actions.do_post(self.member(r["author"], line), article, draft,
                                             created=parse_iso(r["created"]), source_key=r["key"])
        for vote, vline in item["votes"]:
            self._vote(comment, vote, vline)
        if final != first:
            discussion_actions.do_set_status(comment, final, r.get("moderation_reason", ""))
        fix = {}
        if r.get("edited"):
            fix["edited"] = parse_iso(r["edited"])
        if comment.moderation_reason != r.get("moderation_reason", ""):
            fix["moderation_reason"] = r.get("moderation_reason", "")
        if fix:  # no action rewrites history: these only restore when and why, as recorded
            Comment.objects.filter(pk=comment.pk).update(**fix)
        self._check(comment, item, line)
        self.summary.comments_created += 1
        counter = {Status.HELD: "held", Status.DELETED: "deleted", Status.REMOVED: "removed"}.get(final)
        if counter:
            setattr(self.summary, counter, getattr(self.summary, counter) + 1)
        return comment

    def _vote(self, comment: Comment, r: dict, line: int) -> None:
        voter = self.member(r["voter"], line)
        created = parse_iso(r.get("created"))
        if r.get("counted", True):
            discussion_actions.do_vote(voter, comment, int(r["value"]), created=created, screen=False)
        else:
            Vote.objects.create(comment=comment, voter=voter, value=int(r["value"]), counted=False,
                                **({"created": created} if created else {}))
        self.summary.votes += 1

    def _check(self, comment: Comment, item: dict, line: int) -> None:
        r = item["rec"]
        comment.refresh_from_db(fields=["plus", "minus", "depth"])
        if (comment.plus, comment.minus) != (r.get("plus", 0), r.get("minus", 0)):
            self.summary.warn(f"comment {r['key']!r}: its votes give +{comment.plus}/−{comment.minus}, "
                              f"the file says +{r.get('plus')}/−{r.get('minus')}", line)
        if comment.depth != r.get("depth", comment.depth):
            self.summary.warn(f"comment {r['key']!r} is at depth {comment.depth}, the file says "
                              f"{r['depth']}", line)
        if item["quotes"] or "[quote=" in r["body"]:
            have = Quote.objects.filter(comment=comment).count()
            if have != len(item["quotes"]):
                self.summary.warn(f"comment {r['key']!r}: {have} quotes from its text, the file lists "
                                  f"{len(item['quotes'])}", line)

    def _check_count(self, article: Article, r: dict, line: int) -> None:
        article.refresh_from_db(fields=["comment_count"])
        if article.comment_count != r.get("comment_count", article.comment_count):
            self.summary.warn(f"article {r['slug']!r}: {article.comment_count} public comments, the file "
                              f"says {r['comment_count']}", line)


def _body_with_ids(body: str, made: dict[str, Comment]) -> str:
    """The inverse of export.body_with_keys: "[quote=key:K]" → "[quote=c<id here>]"."""
    def repl(m: re.Match) -> str:
        found = made.get(unquote(m.group(1)))
        return f"[quote=c{found.pk}]" if found else m.group(0)

    return _KEY_REF.sub(repl, body)


def _known_language(value) -> str:
    """A member's chosen language as this site knows it, else none ("")."""
    return value if isinstance(value, str) and value in settings.KNOWN_LANGUAGES else ""


def load(path, options: Options | None = None) -> Summary:
    run = Run(SOURCE, options)
    importer = _Import(run)
    with open(path, encoding="utf-8-sig") as fh:  # -sig: a byte order mark is not a record
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json_loads(line, number)
            except json.JSONDecodeError as exc:
                raise ImportFormatError(f"not a JSON record: {exc.msg} (column {exc.colno})", number) from exc
            if not isinstance(rec, dict):
                raise ImportFormatError("each line must be a JSON object", number)
            importer.record(rec, number)
    importer.finish()
    return run.summary
