"""What the newsroom adds to a thread it does not own: editors' picks, the badges of staff,
moderators and the article's author, and members' ranks (the curation app provides them).

The thread's renderer asks `for_article` once per render from nothing (a cache miss) and
draws each comment with what it says; the provider registers itself when its app is ready
(as moderation registers its vote screens), so the discussion imports no app that builds on
it. Whatever changes a Decor raises the thread version (newsroom.versions: Change.CURATION for
a pick or a pin, Change.BYLINE for a member's role), so a cached thread never shows an old one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Decor:
    picked: frozenset[int] = frozenset()  # comment ids marked "Editors' pick"
    # author id → the badges their comments carry here, in order: "author", "staff", "moderator"
    badges: dict[int, tuple[str, ...]] = field(default_factory=dict)
    ranks: dict[int, str] = field(default_factory=dict)  # author id → the name of their rank

    def key(self, comment_id: int, author_id: int) -> tuple:
        """What of this decor one comment's markup shows (a part of its fragment key)."""
        return comment_id in self.picked, self.badges.get(author_id, ()), self.ranks.get(author_id, "")


NONE = Decor()

# Functions (article, authors) → Decor; at most one is expected (curation.page.decor). The
# article is the page's instance: a provider may keep its answer under the article's thread
# version. `authors`: the ids of the members whose comments are about to be drawn (their
# ranks are all a render needs), or None for every commenter of the article.
PROVIDERS: list[Callable[[Any, Iterable[int] | None], Decor]] = []


def for_article(article: Any, authors: Iterable[int] | None = None) -> Decor:
    for provide in PROVIDERS:
        return provide(article, authors)
    return NONE


# Functions (article) → the statements (sql, params) the provider's for_article would run for
# the article's whole thread (authors None) now, what it keeps aside: a render reads them ahead
# with the thread's rows, in one round trip where the database allows (core.statements.ahead).
READS: list[Callable[[Any], list[tuple[str, list]]]] = []


def reads(article: Any) -> list[tuple[str, list]]:
    return [read for provide in READS for read in provide(article)]


# Functions (article, author id) → the Decor of a comment just posted by that author (no pick
# yet: badges and rank only; curation.page.decor_of_new), for its live markup.
FOR_NEW: list[Callable[[Any, int], Decor]] = []


def for_new_comment(article: Any, author_id: int) -> Decor:
    for provide in FOR_NEW:
        return provide(article, author_id)
    return NONE


# Functions (article) → HTML shown above the thread in the reader's language: curation's strip of
# picks and the pinned note ("" when there is none; curation.page.strip_html). The thread fragment
# a page reloads on a live "resync" carries it, so the strip follows a pick or an unpick without
# a reload of the page.
ABOVE: list[Callable[[Any], str]] = []


def above(article: Any) -> str:
    return "".join(provide(article) for provide in ABOVE)
