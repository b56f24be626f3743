"""What makes two readers' copies of an article page differ: named here, and only here.

A cached page (core.pagecache) is kept under (kind, article, page generation, variant):

- **kind** — who it is for: `page`, the whole page every anonymous reader gets (no session,
  no per-reader state in it); `member`, a skeleton every member shares, whose slots are
  filled per member; `api`, the comments JSON.
- **variant** — what the address asks for: the discussion's order and page (`variant()`).
  A difference shared by a class of readers (the reader's language, with the localisation)
  is a part of the variant, added in `variant()`.
- **member slots** — what differs from one member to the next (`MEMBER_SLOTS`): the header's
  account links, the style block marking their own comments and votes, the CSRF token, their
  id and votes for the script, the comment form's idempotency key, the comments new to them
  since their last visit (visits.marks: their ids in a style block and a link jumping from
  one to the next). A per-member difference
  (an ignore list, say) is one more slot here, with its value
  in newsroom.memberpage.values().

Inside the thread itself, presence and the CSRF token are slots of their own
(discussion.render); a reader whose thread is not the shared one (a comment of theirs held,
a moderator's note to them) gets a page rendered for them alone, never kept.

The ASGI front (config.front) and the views that store pages (newsroom.views,
discussion.api) read the variant from here, so a page is always stored under the key the
front looks it up by."""

from urllib.parse import parse_qsl

from core.params import is_digits
from discussion.threads import ORDERS

KINDS = ("page", "member", "api")
MEMBER_SLOTS = ("account", "style", "token", "me", "votes", "idem", "new")


def variant(query: bytes, allow_page: bool = True) -> str | None:
    """The variant of a query string ("oldest:1"), or None when it holds anything else (such
    a request is answered by Django and not kept)."""
    order, page = "oldest", "1"
    try:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, strict_parsing=False)
    except ValueError:
        return None
    for k, v in pairs:
        if k == "order" and v in ORDERS:
            order = v
        elif k == "p" and allow_page and is_digits(v, max_length=5):  # not "²": int() refuses it
            page = str(int(v))
        else:
            return None
    return f"{order}:{page}"
