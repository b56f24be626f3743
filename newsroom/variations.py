"""What makes two readers' copies of an article page differ: named here, and only here.

A cached page (core.pagecache) is kept under (kind, article, page generation, variant):

- **kind** — who it is for: `page`, the whole page every anonymous reader gets (no session,
  no per-reader state in it); `member`, a skeleton every member shares, whose slots are
  filled per member; `api`, the comments JSON.
- **variant** — what the address asks for (the discussion's order and page) and the reader's
  language (core.languages.choose: ?lang=, the language cookie, Accept-Language), all in
  `variant()`. A difference shared by a class of readers is a part of the variant, added here.
- **member slots** — what differs from one member to the next (`MEMBER_SLOTS`): the header's
  account links, the style block marking their own comments and votes, the CSRF token, their
  id and votes for the script, the comment form's idempotency key, the follow button
  (notify.follow: following this discussion or not), the comments new to them since their
  last visit (visits.marks: their ids in a style block and a link jumping from one to the
  next). The ignore list rides in the style slot (curation.ignoring: rules by author id,
  newsroom.memberpage.member_style). A further per-member difference is one more slot here,
  with its value in newsroom.memberpage.values().

The listings (front page, section, tag and author pages) are not kept: Django renders each
for its request. A member's listing shows, beside the articles they follow, the comments new
to them (newsroom.memberlisting), rendered into their page alone, `Cache-Control: private`.
Keeping listings would make that a member slot here.

Inside the thread itself, presence and the CSRF token are slots of their own
(discussion.render); a reader whose thread is not the shared one (a comment of theirs held,
a moderator's note to them) gets a page rendered for them alone, never kept.

The ASGI front (config.front) and the views that store pages (newsroom.views,
discussion.api) read the variant from here, so a page is always stored under the key the
front looks it up by."""

from urllib.parse import parse_qsl

from django.utils.translation import get_language

from core.languages import supported
from core.params import is_digits
from discussion.threads import ORDERS

KINDS = ("page", "member", "api")
MEMBER_SLOTS = ("account", "style", "token", "me", "votes", "idem", "follow", "new")


def variant(query: bytes, allow_page: bool = True, language: str | None = None) -> str | None:
    """The variant of a query string in a language ("oldest:1:ru"), or None when it holds
    anything else (such a request is answered by Django and not kept). `language`: the
    reader's, as core.languages.choose decided it (the front and Django ask it alike); None
    is the language active in this thread (Django's request)."""
    if language is None:
        language = get_language()
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
        elif k == "lang" and supported(v) == v:  # the hreflang alternates' addresses
            continue
        else:
            return None
    return f"{order}:{page}:{language}"
