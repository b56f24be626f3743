"""The e-mails: built in the member's language, as plain text and HTML, with a one-click
unsubscribe (RFC 8058) and nothing a member wrote in any header."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Member
from core.text import collapse_space
from discussion.models import Comment
from notify import kinds, links
from notify.models import Email, Notification

EXCERPT = 300  # characters of a comment's text an e-mail quotes
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def language_of(member) -> str:
    """The member's language: `Member.language` once the localisation adds it, else the site's.
    The one place e-mails ask it."""
    return getattr(member, "language", "") or settings.LANGUAGE_CODE


def one_line(value: str) -> str:
    """A value fit for a header: no line break nor other control character can end it and
    start another header."""
    return collapse_space(_CONTROL.sub(" ", str(value)))




def decision_words(decision: str) -> str:
    return {
        "approve": _("the comment was approved"),
        "hide": _("the comment was removed"),
        "delete": _("the comment was deleted"),
        "restore": _("the comment was restored"),
        "edit": _("the comment was edited by a moderator"),
        "kept": _("the comment stays"),
    }.get(decision, _("a decision was taken"))


@dataclass
class Item:
    line: str
    title: str
    url: str
    excerpt: str


def items_of(notifications: list[Notification]) -> list[Item]:
    """What an e-mail (or the page) says of each notification, in the active language. A
    comment's text only while the comment is public (it may have been removed since)."""
    out = []
    more = followed_since(notifications)
    for n in notifications:
        kind = kinds.KINDS[n.kind]
        comment = n.comment
        actor = n.actor.display_name if n.actor is not None else _("A member")
        line = str(kind.line) % {"actor": actor, "decision": decision_words(n.decision)}
        if more.get(n.pk):
            line = ngettext("%(actor)s commented, and %(n)d more comment since",
                            "%(actor)s commented, and %(n)d more comments since", more[n.pk]) % {
                "actor": actor, "n": more[n.pk]}
        public = comment.status == comment.Status.VISIBLE and comment.article.is_visible()
        excerpt = ""
        if kind.shows_text and public:
            text = collapse_space(comment.body)
            excerpt = text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"
        url = links.absolute(comment.get_absolute_url() if public else comment.article.get_absolute_url())
        out.append(Item(line, comment.article.title, url, excerpt))
    return out


def followed_since(notifications: list[Notification]) -> dict[int, int]:
    """notification id → the public comments of its discussion it stands for besides its own:
    those after its comment and before its recipient's next "followed" notification there, by
    others than the recipient and none they ignore (a follower is told once of a discussion's
    new comments until they read or are mailed it: notify.telling.pending_followed). Counted
    by comment, never by time: a comment folded into a row while its e-mail was being made is
    still counted on the page. A recipient who no longer follows the discussion: counted until
    it was read or mailed. Three queries for all of them (the discussions' latest public
    comments, the recipients' next notifications, their follows), then one count for each
    notification its discussion has gone on after — none at all for the rest."""
    from django.db.models import OuterRef, Subquery

    from newsroom.models import Article
    from notify.models import Follow
    from notify.rules import silenced

    followed = [n for n in notifications if n.kind == "followed"]
    if not followed:
        return {}
    articles = {n.comment.article_id for n in followed}
    recipients = {n.recipient_id for n in followed}
    # Each discussion's latest public comment: one index step down from its end, not a walk.
    latest = dict(Article.objects.filter(pk__in=articles).annotate(top=Subquery(
        Comment.objects.filter(article_id=OuterRef("pk"), status=Comment.Status.VISIBLE).order_by("-id")
        .values("id")[:1])).values_list("pk", "top"))
    out = {n.pk: 0 for n in followed}
    going = [n for n in followed if (latest.get(n.comment.article_id) or 0) > n.comment_id]
    if not going:
        return out
    told: dict[tuple[int, int], list[int]] = {}
    for recipient, article, comment in (Notification.objects.filter(
            recipient_id__in=recipients, kind="followed", comment__article_id__in=articles)
            .values_list("recipient_id", "comment__article_id", "comment_id").order_by("comment_id")):
        told.setdefault((recipient, article), []).append(comment)
    following = set(Follow.objects.filter(member_id__in=recipients, article_id__in=articles)
                    .values_list("member_id", "article_id"))
    mailed = dict(Email.objects.filter(pk__in={n.email_id for n in going if n.email_id})
                  .values_list("pk", "created"))
    quiet: dict[int, set[int]] = {}
    for n in going:
        article_id = n.comment.article_id
        if n.recipient_id not in quiet:
            quiet[n.recipient_id] = {n.recipient_id} | silenced(n.recipient_id)
        later = (Comment.objects.filter(article_id=article_id, pk__gt=n.comment_id, status=Comment.Status.VISIBLE)
                 .exclude(author_id__in=quiet[n.recipient_id]))
        nxt = next((c for c in told.get((n.recipient_id, article_id), ()) if c > n.comment_id), None)
        until = n.read_at or mailed.get(n.email_id)
        if nxt is not None:
            later = later.filter(pk__lt=nxt)
        elif (n.recipient_id, article_id) not in following and until:
            later = later.filter(created__lte=until)
        out[n.pk] = later.count()
    return out


def _send_from() -> str:
    return one_line(settings.DEFAULT_FROM_EMAIL)


def notifications_message(member: Member, address: str, notifications: list[Notification],
                          digest: bool) -> EmailMultiAlternatives:
    with translation.override(language_of(member)):
        items = items_of(notifications)
        site = one_line(settings.VECHE_SITE_NAME)
        if digest:
            subject = ngettext("%(site)s: your daily digest, %(n)d notification",
                               "%(site)s: your daily digest, %(n)d notifications", len(items))
        else:
            subject = ngettext("%(site)s: %(n)d new notification", "%(site)s: %(n)d new notifications", len(items))
        subject = subject % {"site": site, "n": len(items)}
        unsubscribe = links.unsubscribe_url(member.pk)
        follows = sorted({n.comment.article_id for n in notifications if n.kind == "followed"})
        context = {
            "member": member, "items": items, "digest": digest, "site": site,
            "unsubscribe_url": unsubscribe,
            "settings_url": links.absolute(reverse("accounts:settings")) + "#notifications",
            "notifications_url": links.absolute(reverse("notify:page")),
            "unfollow": [(titles, links.unfollow_url(member.pk, a)) for a, titles in _titles(notifications, follows)],
        }
        text = render_to_string("notify/email/notifications.txt", context)
        html = render_to_string("notify/email/notifications.html", context)
    return _message(subject, text, html, address, unsubscribe)


def _titles(notifications: list[Notification], article_ids: list[int]) -> list[tuple[int, str]]:
    by_id = {n.comment.article_id: n.comment.article.title for n in notifications}
    return [(a, by_id[a]) for a in article_ids]


def confirmation_message(member: Member, address: str) -> EmailMultiAlternatives:
    with translation.override(language_of(member)):
        site = one_line(settings.VECHE_SITE_NAME)
        subject = _("%(site)s: confirm your e-mail address") % {"site": site}
        context = {"member": member, "site": site, "confirm_url": links.confirm_url(member.pk, address),
                   "days": links.CONFIRM_MAX_AGE.days}
        text = render_to_string("notify/email/confirm.txt", context)
        html = render_to_string("notify/email/confirm.html", context)
    return _message(subject, text, html, address, None)


def _message(subject: str, text: str, html: str, address: str, unsubscribe: str | None) -> EmailMultiAlternatives:
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(one_line(subject), text, _send_from(), [one_line(address)], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
