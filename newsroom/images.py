"""The images an article shows, from whichever app keeps them.

The newsroom renders articles and lists them, but does not keep images: the app that does
(editorial) registers a `Provider` when it starts, so nothing here imports it and the
newsroom still works without it (no images: every answer below is empty)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.markup import ImageResolver


@dataclass(frozen=True)
class LeadImage:
    """An article's lead image, ready for a page: its figure's markup for the article page,
    a card's picture, and the address and type of one version for feeds and link previews."""

    card_html: str  # a card's picture (front, section pages), with srcset/sizes, width/height
    page_html: str  # the article page's figure, caption and credit included
    url: str  # one version's address as the storage gives it (may be relative)
    mime: str
    length: int  # that version's bytes
    width: int
    height: int
    alt: str


class Provider(Protocol):
    def resolver(self, article_id: int | None) -> ImageResolver | None: ...

    def leads(self, article_ids: list[int], *, eager: int = 0) -> dict[int, LeadImage]: ...

    def lead_reads(self, article_ids: list[int]) -> list[tuple[str, list]]: ...


_provider: Provider | None = None


def register(provider: Provider | None) -> None:
    global _provider
    _provider = provider


def resolver(article_id: int | None) -> ImageResolver | None:
    """What renders an article body's image references (core.markup.render_article)."""
    return _provider.resolver(article_id) if _provider is not None else None


def leads(article_ids: list[int], *, eager: int = 0) -> dict[int, LeadImage]:
    """Lead images of these articles, by article id, in one query; the first `eager` of them
    in the list's order load at once, the rest lazily (below the fold)."""
    if _provider is None or not article_ids:
        return {}
    return _provider.leads(article_ids, eager=eager)


def lead_reads(article_ids: list[int]) -> list[tuple[str, list]]:
    """The statement `leads` would run for these articles, for a page that reads its
    statements ahead (core.statements.ahead)."""
    return _provider.lead_reads(article_ids) if _provider is not None and article_ids else []


def attach(articles, *, eager: int = 2) -> None:
    """Set `lead_image` on each article of a page of them (None where it has none)."""
    articles = list(articles)
    found = leads([a.pk for a in articles], eager=eager)
    for a in articles:
        a.lead_image = found.get(a.pk)
