"""What a signed-in member's copy of a listing — the front page, a section's, a tag's or an
author's — adds to everyone's: beside each listed article they follow, how many comments are
new to them since they last read it, linking to the first (visits.marks.new_counts).

Listings are not kept in any cache: Django renders each one for its request (a member's
goes out `Cache-Control: private`, core.middleware.PrivateToMembersMiddleware), so the
member's counts are rendered into their own page, and the anonymous page and other members'
never see them. Should listings ever be kept like article pages, this is a member slot
(newsroom.variations)."""

from collections.abc import Iterable
from dataclasses import dataclass

from visits import marks as visits


@dataclass(frozen=True)
class NewComments:
    count: int  # visits.marks.MAX_COUNTED + 1: more than that
    shown: str  # the count as shown ("3", "99+")
    url: str  # the first new comment


def attach(member, articles: Iterable) -> None:
    """Set `new_comments` (NewComments or None) on each of `articles` for `member` (None or
    anonymous: nothing is set, nothing is read). One query."""
    if member is None or not member.is_authenticated:
        return
    from notify.follow import followed
    from notify.rules import silenced_query

    articles = list(articles)  # (a page's queryset: the objects it holds)
    found = visits.new_counts(member.pk, [a.pk for a in articles], among=followed(member.pk),
                              silenced=silenced_query(member.pk))  # those they ignore: never "new"
    for a in articles:
        new = found.get(a.pk)
        a.new_comments = NewComments(new.number, new.shown, f"{a.get_absolute_url()}#c{new.first}") if new else None
