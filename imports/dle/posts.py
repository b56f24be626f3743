"""DLE's categories as sections, its posts as articles, each with its comments and their
votes in one transaction (imports.common.write_thread does the comments).

A post becomes an article — title, slug from alt_name, body from full_story (short_story
when there is none), lead from short_story's words, section from its first category, tags,
author from autor, views from news_read, published (approve=1; scheduled when its date is
still to come) or a draft (approve=0), discussion closed where allow_comm=0 — unless
`article_map` finds it among Veche's articles (by default by its old address, so a re-run
finds what the last one made). Its comments: approve=0 → held; threaded by parent where the
version keeps it, otherwise flat; a registered author's comment is that member's; a guest's
(user_id 0) or a removed user's is a deleted account's, under the name it was signed with.
"""

import html
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Member
from discussion import actions as discussion_actions
from discussion import live as discussion_live
from discussion.models import Comment, Vote
from imports import articles
from imports.common import Run, comment_key, write_thread
from imports.dle.markup import LEAD_MAX, convert, plain_text, wrote
from imports.dle.people import import_key
from imports.dle.run import SOURCE, DleOptions, DleSummary
from imports.dle.store import Store
from imports.records import SourceComment, Status, person
from newsroom.actions import do_save_article
from newsroom.models import Article, Author, Section, Tag

QUOTE_MIN = 25  # characters: a quote naming no one is linked only when this long
GUEST_VOTERS = ("", "noname")  # how DLE logs a guest's vote


def _named(model, name: str, slug: str):
    """The section or tag with this slug or name, created when neither is there."""
    name = " ".join(html.unescape(name).split())[:80]
    slug = slugify(slug or name, allow_unicode=True)[:80].strip("-") or "imported"
    found = model.objects.filter(slug=slug).first() or model.objects.filter(name=name).first()
    return found or model.objects.create(name=name or slug, slug=slug)


def import_categories(store: Store) -> dict[int, Section]:
    with transaction.atomic():
        return {row["id"]: _named(Section, row["name"], row["alt_name"])
                for row in store.query("SELECT id, name, alt_name FROM category ORDER BY id")}


class Posts:
    def __init__(self, run: Run, store: Store, options: DleOptions, sections: dict[int, Section]):
        self.run, self.store, self.options, self.sections = run, store, options, sections
        self.summary: DleSummary = run.summary
        self.site_url = options.site_url.rstrip("/")
        self.threaded = store.has("comments", "parent")
        self.voting = store.has("comment_rating_log", "rating")
        self.authors: dict[str, Author | None] = {}

    def run_all(self) -> None:
        orphans = self.store.query("SELECT COUNT(*) AS n FROM comments WHERE post_id NOT IN "
                                   "(SELECT id FROM post)")[0]["n"]
        if orphans:
            self.summary.skipped += orphans
            self.summary.warn(f"{orphans:,} comments belong to posts the site no longer has; left out")
        if self.store.query("SELECT COUNT(*) AS n FROM comment_rating_log")[0]["n"] and not self.voting:
            self.summary.warn("this DLE version's comment rating log does not say which way each vote "
                              "went; comment votes were not carried over")
        extras = ("LEFT JOIN (SELECT news_id, MAX(news_read) AS views, MAX(user_id) AS writer "
                  "FROM post_extras GROUP BY news_id) e ON e.news_id = p.id")
        for post in self.store.stream(f"SELECT p.*, e.views, e.writer FROM post p {extras} ORDER BY p.id"):  # noqa: S608  the importer's own scratch tables
            self.post(post)

    def post(self, post) -> None:
        url = f"{self.site_url}/index.php?newsid={post['id']}"
        created = datetime.fromisoformat(post["date"])
        info = articles.ThreadInfo(f"p{post['id']}", url, html.unescape(post["title"]), created)
        comments = self.comments(post["id"])

        def article() -> Article:
            return articles.match(self.run, info) or self.new_article(post, info)

        # The article, its comments and their votes: one transaction (write_thread's own
        # becomes a savepoint inside it).
        with transaction.atomic():
            made = write_thread(self.run, info.key, article, comments)
            if made is not None and self.voting and comments:
                self.votes(post["id"], info.key)

    # --- the article ------------------------------------------------------------------
    def new_article(self, post, info: articles.ThreadInfo) -> Article:
        full, short = post["full_story"] or "", post["short_story"] or ""
        body = convert(full if full.strip() else short, article=True, site_url=self.site_url)
        if post["approve"]:
            state = Article.State.SCHEDULED if info.created > timezone.now() else Article.State.PUBLISHED
        else:
            state = Article.State.DRAFT
        first = (post["category"] or "").split(",")[0].strip()
        section = self.sections.get(int(first)) if first.isdigit() else None
        if section is None:
            section = articles.imported_section()
            if first and first != "0":
                self.summary.warn(f"post {post['id']}: its category {first} is not in the categories table")
        article = Article(
            title=articles.title_for(info), slug=articles.unique_slug(post["alt_name"] or info.title),
            body=body.markdown, lead=plain_text(short, LEAD_MAX) if full.strip() else "",
            section=section, author=self.author(post["autor"] or ""), state=state,
            published_at=info.created, source_url=info.url[:500], comments_open=bool(post["allow_comm"]),
            views=max(post["views"] or 0, post["news_read"] or 0, 0),
        )
        do_save_article(article)
        for tag in (post["tags"] or "").split(","):
            if tag.strip():
                article.tags.add(_named(Tag, tag, ""))
        self.summary.articles_created += 1
        self.summary.hidden += body.hidden
        return article

    def author(self, name: str) -> Author | None:
        name = " ".join(html.unescape(name).split())[:120]
        if not name:
            return None
        if name not in self.authors:
            slug = slugify(name, allow_unicode=True)[:120].strip("-") or "author"
            found = Author.objects.filter(slug=slug).first()
            if found is None:
                user = self.store.query("SELECT user_id FROM users WHERE name = ? LIMIT 1", (name,))
                member = (Member.objects.filter(import_key=import_key(user[0]["user_id"]), author=None).first()
                          if user else None)
                found = Author.objects.create(name=name, slug=slug, member=member)
            self.authors[name] = found
        return self.authors[name]

    # --- the comments -----------------------------------------------------------------
    def comments(self, post_id: int) -> list[SourceComment]:
        rows = self.store.query(
            "SELECT c.*, u.user_id AS known, u.name AS login, u.fullname, u.email AS address "
            "FROM comments c LEFT JOIN users u ON u.user_id = c.user_id AND c.user_id > 0 "
            "WHERE c.post_id = ? ORDER BY c.date, c.id", (post_id,))
        out: list[SourceComment] = []
        seen: list[tuple[str, set[str], str]] = []  # (id, its author's names, its words)
        for seq, row in enumerate(rows):
            converted = convert(row["text"], site_url=self.site_url)
            self.summary.hidden += converted.hidden
            quotes = tuple((_source(seen, name, said), wrote(name, markdown=True) if name else "")
                           for name, said in converted.quotes)
            cid = str(row["id"])
            names = {n.casefold() for n in (row["autor"], row["login"]) if n}
            seen.append((cid, names, converted.words))
            parent = str(row["parent"]) if self.threaded and row["parent"] else None
            out.append(SourceComment(
                id=cid, parent=parent, author=self.person(row), created=datetime.fromisoformat(row["date"]),
                body=converted.markdown, status=Status.VISIBLE if row["approve"] else Status.HELD,
                line=row["line"], seq=seq, quotes=quotes))
        return out

    @staticmethod
    def person(row):
        if row["known"] is not None:  # a member of the site
            return person(source_id=str(row["user_id"]), name=row["login"], real_name=row["fullname"] or "",
                          email=row["address"])
        name = row["autor"] or ""
        if row["user_id"]:  # the account was deleted: the same deleted member for all its comments
            return person(source_id=str(row["user_id"]), name=name, deleted=True)
        return person(name=name or "Guest", deleted=True)  # a guest: no e-mail, nothing to claim

    # --- the votes --------------------------------------------------------------------
    def votes(self, post_id: int, thread: str) -> None:
        rows = self.store.query(
            "SELECT r.c_id, r.rating, r.member, u.user_id FROM comment_rating_log r "
            "JOIN comments c ON c.id = r.c_id LEFT JOIN users u ON u.name = r.member "
            "WHERE c.post_id = ? ORDER BY r.rowid", (post_id,))
        keys = {comment_key(SOURCE, thread, str(r["c_id"])) for r in rows}
        comments = {c.source_key: c for c in Comment.objects.filter(source_key__in=keys)}
        voters = {m.import_key: m for m in Member.objects.filter(
            import_key__in={import_key(r["user_id"]) for r in rows if r["user_id"] is not None})}
        cast = set(Vote.objects.filter(comment__in=comments.values()).values_list("comment_id", "voter_id"))
        with discussion_live.quiet():  # the thread's one "resync" event covers them
            for r in rows:
                comment = comments.get(comment_key(SOURCE, thread, str(r["c_id"])))
                voter = voters.get(import_key(r["user_id"])) if r["user_id"] is not None else None
                value = (r["rating"] > 0) - (r["rating"] < 0)
                if (comment is None or voter is None or not value or r["member"] in GUEST_VOTERS
                        or comment.status != Status.VISIBLE or comment.author_id == voter.pk):
                    self.summary.votes_left_out += 1
                    continue
                if (comment.pk, voter.pk) in cast:
                    continue
                discussion_actions.do_vote(voter, comment, value, created=comment.created, screen=False)
                cast.add((comment.pk, voter.pk))
                self.summary.votes += 1


def _source(seen: list[tuple[str, set[str], str]], name: str, said: str) -> str | None:
    """The latest earlier comment of the thread a quote is from: by the member it names, and
    holding its words; a quote naming no one must be long enough to tell."""
    if not said or (not name and len(said) < QUOTE_MIN):
        return None
    who = name.casefold()
    for cid, names, words in reversed(seen):
        if (not who or who in names) and said in words:
            return cid
    return None
