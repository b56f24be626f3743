"""Who may comment, vote and report, and whether a new comment is held for moderation."""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import ROLE_CACHE_SECONDS
from core.errors import ActionError
from discussion.models import Comment


def _ban_key(member_id: int) -> str:
    return f"ban:{member_id}"


def active_ban(member):
    """The member's ban in force, if any. Remembered briefly (every page asks); banning and
    lifting forget it at once through forget_ban."""
    from django.core.cache import cache

    from moderation.models import Ban

    if not member.is_authenticated:
        return None
    if not getattr(member, "ban_on_file", True):
        return None  # the member's row says no ban was ever left in force: nothing to look up
    cached = cache.get(_ban_key(member.pk))
    if cached is not None:
        ban = cached or None
        if ban is not None and ban.until is not None and ban.until <= timezone.now():
            return None
        return ban
    ban = Ban.objects.active().filter(member=member).order_by("-created").first()
    cache.set(_ban_key(member.pk), ban or False, timeout=ROLE_CACHE_SECONDS)
    return ban


def bans_changed(sender=None, instance=None, **_signal) -> None:
    """A ban was saved or deleted (by a moderator, the admin, an import): the member's row
    records whether one not lifted remains, which every request of theirs reads anyway."""
    from accounts.models import Member
    from moderation.models import Ban

    on_file = Ban.objects.filter(member_id=instance.member_id, lifted=None).exists()
    Member.objects.filter(pk=instance.member_id).update(ban_on_file=on_file)
    if "member" in instance._state.fields_cache and instance.member is not None:
        instance.member.ban_on_file = on_file  # the object the caller holds, too
    forget_ban(instance.member_id)


def forget_ban(member_id: int) -> None:
    from django.core.cache import cache

    cache.delete(_ban_key(member_id))


def _check_not_banned(member) -> None:
    ban = active_ban(member)
    if ban is not None:
        raise ActionError(ban.describe(), status=403, code="banned")


def check_may_comment(member) -> None:
    if getattr(member, "is_deleted", False) or not member.is_active:
        raise ActionError(_("This account cannot comment."), status=403, code="inactive")
    _check_not_banned(member)
    quiet = getattr(settings, "VECHE_NEW_ACCOUNT_QUIET_HOURS", 0)
    if quiet:
        opens = member.date_joined + timedelta(hours=quiet)
        if timezone.now() < opens:
            from core.display import format_time

            raise ActionError(
                ngettext("New accounts can comment %(hours)d hour after signing up: from %(time)s.",
                         "New accounts can comment %(hours)d hours after signing up: from %(time)s.", quiet)
                % {"hours": quiet, "time": format_time(opens)[1]}, status=403, code="new_account")


def check_may_vote(member) -> None:
    if getattr(member, "is_deleted", False) or not member.is_active:
        raise ActionError(_("This account cannot vote."), status=403, code="inactive")
    _check_not_banned(member)


def check_may_report(member) -> None:
    check_may_vote(member)


# --- privileges that come with standing (settings: config.settings.base) ---------------------

def _days_old(member) -> float:
    return (timezone.now() - member.date_joined).total_seconds() / 86400


def check_may_vote_minus(member) -> None:
    """A minus from a member whose account is old enough, or whose rating is high enough
    (VECHE_MINUS_AFTER_DAYS, VECHE_MINUS_MIN_RATING: either unlocks it; both 0: everyone)."""
    days = getattr(settings, "VECHE_MINUS_AFTER_DAYS", 0)
    rating = getattr(settings, "VECHE_MINUS_MIN_RATING", 0)
    if not days and not rating:
        return
    if (days and _days_old(member) >= days) or (rating and member.rating >= rating):
        return
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    parts = []
    if days:
        parts.append(ngettext("your account is %(n)d day old", "your account is %(n)d days old", days) % {"n": days})
    if rating:
        parts.append(_("your rating reaches %(r)d") % {"r": rating})
    raise ActionError(_("You can vote minus once %(when)s; plus votes count now.")
                      % {"when": _(" or ").join(parts)}, status=403, code="minus_locked")


def in_good_standing(member) -> bool:
    """An account old enough with a rating high enough (VECHE_GOOD_STANDING_DAYS and _RATING)."""
    return (_days_old(member) >= getattr(settings, "VECHE_GOOD_STANDING_DAYS", 30)
            and member.rating >= getattr(settings, "VECHE_GOOD_STANDING_RATING", 1))


def report_weight(reporter) -> int:
    """How much one report moves its comment up the queue: the one rule for it. A member in
    good standing weighs half as much again as others."""
    return 3 if in_good_standing(reporter) else 2


_LINK = re.compile(r"https?://|www\.|\]\(", re.IGNORECASE)


def holds_links(member, body: str) -> bool:
    """A comment with a link from an account younger than VECHE_LINKS_HELD_DAYS is held."""
    days = getattr(settings, "VECHE_LINKS_HELD_DAYS", 0)
    return bool(days) and _days_old(member) < days and bool(_LINK.search(body))


def screen_comment(member, article, body: str) -> str:
    """The status a new comment starts with; a banned word refuses it, naming the rule."""
    from moderation import words

    broken = words.match(body)
    if broken and broken[0] == "banned":
        raise ActionError(_("Your comment breaks the site's rule “%(rule)s”. Please rephrase it.") % {"rule": broken[1]},
                          code="word_rule", field="body")
    if broken or article.premoderated or article.section.premoderated or holds_links(member, body):
        return Comment.Status.HELD
    first = getattr(settings, "VECHE_PREMODERATE_FIRST", 0)
    if first and Comment.objects.filter(author=member, status=Comment.Status.VISIBLE).count() < first:
        return Comment.Status.HELD
    return Comment.Status.VISIBLE
