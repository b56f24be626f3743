"""Reading ignore lists: whom a member ignores, and what their page does about it.

One member's list changes their page only, through the member slots (newsroom.variations):
the member's style slot hides the comments of the authors they ignore but for their number,
which is the comment's permalink, and writes after it a one-line stand-in (generated content:
no element on any comment). Following the number targets the comment, and `:target` shows it
again: no script. Replies sit outside the collapsed part, so they stay reachable. The
stand-in's words, in the page's language, are a custom property the member page sets
(newsroom.memberpage.ignoring_words)."""

from curation.models import Ignore


def is_ignoring(recipient, sender) -> bool:
    """Whether `recipient` ignores `sender` (members or their ids): then nothing `sender` does
    notifies `recipient` — the notifications app's may_notify asks this."""
    recipient_id = getattr(recipient, "pk", recipient)
    sender_id = getattr(sender, "pk", sender)
    return Ignore.objects.filter(member_id=recipient_id, ignored_id=sender_id).exists()


def ignoring_sender(sender_id: int, recipient_ids: list[int]) -> set[int]:
    """notify.rules.BLOCKS: those of `recipient_ids` who ignore `sender_id`, in one query."""
    return set(Ignore.objects.filter(ignored_id=sender_id, member_id__in=recipient_ids)
               .values_list("member_id", flat=True))


def ignored_query(member_id: int):
    """notify.rules.SILENCERS: the ids of the members `member_id` ignores, as a query."""
    return Ignore.objects.filter(member_id=member_id).values_list("ignored_id", flat=True)


def ignored_ids(member_id: int) -> list[int]:
    return sorted(Ignore.objects.filter(member_id=member_id).values_list("ignored_id", flat=True))


WORDS = "--ignored-words"  # the CSS custom property holding the stand-in's sentence


def style(ignored: list[int]) -> str:
    """The CSS of one member's page for curation: the collapsed comments of the members they
    ignore. Ids only (numbers): nothing a member wrote reaches the style. (The Ignore and Pick
    actions are on each comment's action page, for whoever may take them.)"""
    rules = []
    if ignored:
        authors = [f'#thread li[data-author="{int(i)}"]:not(:target)' for i in ignored]
        rules.append(",".join(f"{a}>:not(header,ol),{a}>header>:not(.num)" for a in authors) + "{display:none}")
        rules.append(",".join(f"{a}>header>.num::after" for a in authors)
                     + "{content:var(" + WORDS + ");font-style:italic}")
        rules.append(",".join(f'.picks [data-author="{int(i)}"]' for i in ignored) + "{display:none}")
    return "\n".join(rules)
