"""Who may comment, vote and report, and whether a new comment is held for moderation."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.errors import ActionError
from discussion.models import Comment


def active_ban(member):
    from moderation.models import Ban

    if not member.is_authenticated:
        return None
    return Ban.objects.active().filter(member=member).order_by("-created").first()


def _check_not_banned(member) -> None:
    ban = active_ban(member)
    if ban is not None:
        raise ActionError(ban.describe(), status=403, code="banned")


def check_may_comment(member) -> None:
    if getattr(member, "is_deleted", False) or not member.is_active:
        raise ActionError("This account cannot comment.", status=403, code="inactive")
    _check_not_banned(member)
    quiet = getattr(settings, "VECHE_NEW_ACCOUNT_QUIET_HOURS", 0)
    if quiet:
        opens = member.date_joined + timedelta(hours=quiet)
        if timezone.now() < opens:
            local = timezone.localtime(opens)
            raise ActionError(
                f"New accounts can comment {quiet} hour{'s' if quiet != 1 else ''} after signing up: "
                f"from {local:%-d %B %Y %H:%M}.", status=403, code="new_account")


def check_may_vote(member) -> None:
    if getattr(member, "is_deleted", False) or not member.is_active:
        raise ActionError("This account cannot vote.", status=403, code="inactive")
    _check_not_banned(member)


def check_may_report(member) -> None:
    check_may_vote(member)


def screen_comment(member, article, body: str) -> str:
    """The status a new comment starts with; a banned word refuses it, naming the rule."""
    from moderation import words

    broken = words.match(body)
    if broken and broken[0] == "banned":
        raise ActionError(f"Your comment breaks the site's rule “{broken[1]}”. Please rephrase it.",
                          code="word_rule", field="body")
    if broken or article.premoderated or article.section.premoderated:
        return Comment.Status.HELD
    first = getattr(settings, "VECHE_PREMODERATE_FIRST", 0)
    if first and Comment.objects.filter(author=member, status=Comment.Status.VISIBLE).count() < first:
        return Comment.Status.HELD
    return Comment.Status.VISIBLE
