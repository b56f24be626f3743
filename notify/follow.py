"""The follow button beside a discussion: one member's state, so it is a member slot of the
article page (newsroom.variations), never part of the shared page."""

from django.db.models import QuerySet
from django.template.loader import render_to_string

from notify.models import Follow


def button(member_id: int, article_id: int, token: str) -> bytes:
    """The button's form for this member; `token` is what goes where the CSRF token goes
    (the page's slot marker, filled per request)."""
    following = Follow.objects.filter(member_id=member_id, article_id=article_id).exists()
    return render_to_string("notify/_follow.html", {
        "article_id": article_id, "following": following, "csrf_token": token}).encode()


def followed(member_id: int) -> QuerySet:
    """The member's follows, as a query to put inside another (the listings' new-comment
    counts: visits.marks.new_counts)."""
    return Follow.objects.filter(member_id=member_id)
