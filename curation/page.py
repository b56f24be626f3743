"""What curation shows on an article page: the decor of its thread (picks, badges, ranks,
discussion.decor) and the strip of picks and the pinned note above the discussion.

Both are part of the page every reader shares: they change only through actions that raise
the thread version (picks and pins: Change.CURATION; a member's role or rank: Change.BYLINE
through discussion.actions.author_changed), so neither the cached thread nor the page is older than
them. Read on a render from nothing only: picks, pin and badges kept per (article, thread
version) in the `curation-decor` memo so the strip and the thread share one reading; the ranks
of the authors a render draws asked by that render."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache
from django.db import router
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.text import Truncator

from accounts.models import Member
from core.memo import Memo
from discussion.decor import Decor
from discussion.models import Comment

EXCERPT_CHARS = 240  # of a picked comment's text in the strip: a sentence or two, the rest in the thread
STRIP_MAX = 10  # picks listed above a discussion: a strip, not a second thread
ROLES_KEY = "curation-roles"  # shared cache: who holds a badge's role (docs/caching.md)
ROLES_SECONDS = 3600  # emptied by every role change (curation.signals); the expiry is a backstop

# The roles a badge shows, as permissions a group or a member holds: editors publish (staff),
# moderators moderate. Superusers (the site's operators) carry no badge by that alone.
STAFF_PERM = ("newsroom", "change_article")
MODERATOR_PERM = ("moderation", "moderate")


def roles() -> dict[int, set[str]]:
    """member id → the badge roles they hold ({"staff", "moderator"} or one of them): one
    indexed query from the permissions' side (never a scan of the members), written out
    (compiling its union through the ORM took longer than running it), kept in the shared
    cache until a role changes."""
    from core import statements
    from curation import sql

    # Read with the thread's rows on a render from nothing (`reads`): used by that render, not
    # kept, since a role changed meanwhile has forgotten the kept roles already, and must not
    # find them put back.
    ahead = statements.read_ahead(sql.ROLES, _ROLES_PARAMS)
    if ahead is not None:
        return _roles_of(ahead)
    kept: dict[int, set[str]] | None = cache.get(ROLES_KEY)
    if kept is not None:
        return kept
    found = _roles_of(statements.rows(sql.ROLES, _ROLES_PARAMS, statements.reading(Member)))
    cache.set(ROLES_KEY, found, timeout=ROLES_SECONDS)
    return found


def _roles_of(rows: list) -> dict[int, set[str]]:
    wanted = {f"{a}.{c}": kind for (a, c), kind in ((STAFF_PERM, "staff"), (MODERATOR_PERM, "moderator"))}
    found: dict[int, set[str]] = {}
    for member_id, app_label, codename in rows:
        kind = wanted.get(f"{app_label}.{codename}")
        if kind:
            found.setdefault(member_id, set()).add(kind)
    return found


_ROLES_PARAMS = [c for _a, c in (STAFF_PERM, MODERATOR_PERM)] * 2


def forget_roles() -> None:
    cache.delete(ROLES_KEY)


@dataclass(frozen=True)
class Item:
    comment_id: int
    author_id: int
    login: str
    excerpt: str
    body_html: str = ""


@dataclass(frozen=True)
class Curated:
    decor: Decor
    pin: Item | None
    picks: tuple[Item, ...]


def _read(article_id: int, author_member: int | None) -> Curated:
    """One two-lookup statement for what is picked or pinned, then (only when something is)
    one query for those comments that every reader may read (a pick of a
    comment since hidden or deleted shows nowhere, and returns if a moderator restores it) —
    found from the picks' and the pin's side, never by walking the article's comments —, the
    roles read ahead with the thread's rows or from the shared cache (the article's author
    comes with the article); on a render from nothing the first statement is read ahead too. Ranks
    are not read here: a render asks for those of the authors it draws (`decor`)."""
    from core import statements
    from curation import sql
    from curation.models import Pick

    # Most discussions have neither: two index lookups in one statement say so (12 µs), where
    # the comments' query with its subqueries took 1.5–2.5 ms of every render from nothing.
    using = router.db_for_read(Pick)
    found = statements.read_ahead(sql.CURATED, [article_id, article_id])
    if found is None:
        found = statements.rows(sql.CURATED, [article_id, article_id], using)
    rows = []
    if found:
        pinned_ids = {pk for pk, is_pin in found if is_pin}
        rows = list(Comment.objects.using(using).filter(pk__in={pk for pk, _ in found}, status=Comment.Status.VISIBLE)
                    .select_related("author", "pick"))
        for c in rows:
            c.is_pinned = c.pk in pinned_ids
    picked = sorted((c for c in rows if getattr(c, "pick", None) is not None), key=lambda c: (c.pick.created, c.pk))
    pin = next((c for c in rows if c.is_pinned), None)
    held = roles()
    members = set(held) | ({author_member} if author_member is not None else set())
    badges = {m: tuple(_badges_of(m, author_member, held)) for m in members}
    decor = Decor(picked=frozenset(c.pk for c in picked), badges=badges)
    return Curated(decor, _item(pin, whole=True) if pin else None, tuple(_item(c) for c in picked[:STRIP_MAX]))


def ranks(article_id: int, authors: Iterable[int] | None) -> dict[int, str]:
    """author id → the name of their rank, for `authors` (the members a render draws: a few
    hundred primary-key lookups) or, given None, every commenter of the article (through the
    comments' (article, …) index). Written out: through the ORM, its few hundred ids cost more
    to compile than to look up. Not kept: a render from nothing asks once, and a rank that
    changed raised the thread version of every discussion showing it (author_changed)."""
    from core import statements
    from curation import sql
    from curation.models import Standing

    using = statements.reading(Standing)
    if authors is None:
        ahead = statements.read_ahead(sql.RANKS_OF_ARTICLE, [article_id])
        return dict(ahead if ahead is not None else statements.rows(sql.RANKS_OF_ARTICLE, [article_id], using))
    members = sorted(set(authors))
    if not members:
        return {}
    return dict(statements.rows(sql.RANKS.format(members=",".join(["%s"] * len(members))), members, using))


def _item(c: Comment, whole: bool = False) -> Item:
    return Item(c.pk, c.author_id, c.author.login, Truncator(strip_tags(c.body_html)).chars(EXCERPT_CHARS),
                c.body_html if whole else "")


_kept: Memo[Curated] = Memo("curation-decor", items=2_000)


def _author_member(article: Any) -> int | None:
    return article.author.member_id if article.author_id is not None else None


def curated(article: Any) -> Curated:
    """The article's picks, pin and badges, kept under its thread version."""
    key = (article.pk, article.thread_version)
    return _kept.get_or_make(key, lambda: _read(article.pk, _author_member(article)))


def reads(article: Any) -> list[tuple[str, list]]:
    """What `decor(article)` of its whole thread would ask the database now (discussion.decor.READS):
    the ranks of its commenters, and, unless kept for its thread version, its picks and pin and
    who holds a role (asked rather than looked up in the shared cache: a round trip to learn
    whether to read ahead would cost what reading ahead saves)."""
    from curation import sql

    found = [(sql.RANKS_OF_ARTICLE, [article.pk])]
    if _kept.get((article.pk, article.thread_version)) is None:
        found += [(sql.CURATED, [article.pk, article.pk]), (sql.ROLES, _ROLES_PARAMS)]
    return found


def decor(article: Any, authors: Iterable[int] | None = None) -> Decor:
    """The thread's decor: picks and badges kept per thread version, ranks of `authors`."""
    return replace(curated(article).decor, ranks=ranks(article.pk, authors))


def decor_of_new(article: Any, author_id: int) -> Decor:
    """A comment just posted: picked it cannot be yet (one approved or restored, which may be,
    is drawn with the whole decor: discussion.actions.editing), so only its author's badges and rank —
    the roles from the shared cache, whether they wrote the article (it comes with the post's
    article, discussion.views._post_target), one lookup for the rank — never the whole
    thread's curation, which the post's new thread version has just left unread."""
    from core import statements
    from curation import sql

    badges = list(_badges_of(author_id, _author_member(article), roles()))
    rank = statements.one(sql.RANK_NAME, [author_id])
    return Decor(badges={author_id: tuple(badges)} if badges else {}, ranks={author_id: rank[0]} if rank else {})


def _badges_of(member_id: int, author_member: int | None, held: dict[int, set[str]]) -> Iterator[str]:
    if member_id == author_member:
        yield "author"
    kinds = held.get(member_id)
    if kinds:
        # Editors moderate too: "staff" says more than both.
        yield "staff" if "staff" in kinds else "moderator"


def strip(article: Any) -> dict:
    """The pinned note and the picks above a discussion ({} when there are none)."""
    c = curated(article)
    if c.pin is None and not c.picks:
        return {}
    return {"pin": c.pin, "picks": c.picks}


def strip_html(article: Any) -> str:
    """The strip as the article page draws it, in the active language ("" when there is none):
    what a page's live resync puts in place of its own (discussion.decor.ABOVE)."""
    shown = strip(article)
    return render_to_string("curation/_picks.html", shown) if shown else ""
