"""What a member can be told of, and how each kind reaches them by default.

Adding a kind is one line in KINDS (and, where it comes from, the call that creates it):
its label in the settings, its line on the notifications page and in e-mails, its default
delivery. The order of KINDS is the order of precedence when one comment concerns a member
in several ways (a reply that also mentions them is told once, as a reply)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

NOW, DAILY, NEVER = "now", "daily", "never"
DELIVERIES = [
    (NOW, pgettext_lazy("e-mail delivery", "At once")),
    (DAILY, pgettext_lazy("e-mail delivery", "In a daily digest")),
    (NEVER, pgettext_lazy("e-mail delivery", "Never")),
]


@dataclass(frozen=True)
class Kind:
    label: Promise  # in the settings: "Replies to your comments"
    line: Promise  # on the page and in e-mails: "%(actor)s replied to your comment"
    email: str  # the default delivery
    shows_text: bool = True  # whether the comment's text is shown with it


KINDS: dict[str, Kind] = {
    "reply": Kind(_("Replies to your comments"), _("%(actor)s replied to your comment"), NOW),
    "quote": Kind(_("Quotes of your comments"), _("%(actor)s quoted your comment"), NOW),
    "mention": Kind(_("Mentions of you (@login)"), _("%(actor)s mentioned you"), NOW),
    "followed": Kind(_("New comments in discussions you follow"), _("%(actor)s commented"), DAILY),
    "moderated": Kind(_("Moderators' decisions on your comments"),
                      _("A moderator decided on your comment: %(decision)s"), NOW, shows_text=False),
    "report": Kind(_("Decisions on your reports"),
                   _("Your report was looked at: %(decision)s"), DAILY, shows_text=False),
    # Told in the newsroom's name, not the editor's (no actor: curation's ignore list does not
    # apply); daily by default, since it asks nothing of the author, unlike a reply or a
    # mention ("replies, quotes and mentions at once; the rest in a daily digest").
    "picked": Kind(_("Your comments picked by the editors"), _("The editors picked your comment"), DAILY),
}
# Kinds told of a comment: a member reading them must be able to read the comment.
CHOICES = [(name, k.label) for name, k in KINDS.items()]


def defaults() -> dict[str, str]:
    return {name: k.email for name, k in KINDS.items()}
