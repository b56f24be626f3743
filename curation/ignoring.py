"""Reading ignore lists: whom a member ignores, and what their page does about it.

One member's list changes their page only, through the member slots (newsroom.variations):
the shared thread carries, on every comment, a one-line stand-in that is hidden; the member's
style slot hides the comments of the authors they ignore and shows the stand-ins instead. The
stand-in's "show" link targets the comment, and `:target` shows it again: no script. Replies
sit outside the collapsed part, so they stay reachable."""

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


def ignored_ids(member_id: int) -> list[int]:
    return sorted(Ignore.objects.filter(member_id=member_id).values_list("ignored_id", flat=True))


def style(member_id: int, ignored: list[int], curator: bool) -> str:
    """The CSS of one member's page for curation: the Ignore link on others' comments, the Pick
    link for editors and moderators, and the collapsed comments of the members they ignore.
    Ids only (numbers): nothing a member wrote reaches the style."""
    rules = ["#thread .c-actions .ignore{display:inline-flex}",
             f'#thread li[data-author="{int(member_id)}"]>.c .ignore{{display:none}}']
    if curator:
        rules.append("#thread .c-actions .staff-act{display:inline-flex}")
    if ignored:
        authors = [f'li[data-author="{int(i)}"]:not(:target)' for i in ignored]
        rules.append(",".join(f"{a}>.c" for a in authors) + "{display:none}")
        rules.append(",".join(f"{a}>.ign" for a in authors) + "{display:block}")
        rules.append(",".join(f'.picks [data-author="{int(i)}"]' for i in ignored) + "{display:none}")
    return "\n".join(rules)
