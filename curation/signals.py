"""What other apps hear of curation, and what curation hears of roles.

- `comment_picked(sender=Pick, comment, picked_by)` — sent by curation.actions.pick inside its
  transaction, so the notifications app can tell the comment's author ("the editors picked
  your comment"); a receiver that reaches outside defers itself with `transaction.on_commit`.
  Unpicking sends nothing: no one is told their comment was unpicked.

A member's role (their groups or permissions) decides the badge their
comments carry, which every cached thread showing them holds: a change of role is a change of
their byline (discussion.actions.author_changed)."""

from django.db.models.signals import m2m_changed
from django.dispatch import Signal

comment_picked = Signal()

_ROLE_ACTIONS = {"post_add", "post_remove", "post_clear"}


def _roles_changed(sender, instance, action, reverse, pk_set, **_kw) -> None:
    from django.db import transaction

    from curation.page import forget_roles
    from discussion.actions import author_changed

    if action not in _ROLE_ACTIONS:
        return
    forget_roles()  # now, and after commit against a render that read the old roles meanwhile
    transaction.on_commit(forget_roles)
    if reverse:  # a group's members changed from the group's side: pk_set names the members
        for member_id in pk_set or ():
            author_changed(member_id)
    else:
        author_changed(instance.pk)


def connect() -> None:
    from accounts.models import Member

    m2m_changed.connect(_roles_changed, sender=Member.groups.through, dispatch_uid="curation-groups")
    m2m_changed.connect(_roles_changed, sender=Member.user_permissions.through, dispatch_uid="curation-perms")
