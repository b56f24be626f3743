"""What other apps hear of curation, and what curation hears of roles.

- `comment_picked(sender=Pick, comment, picked_by)` — sent by curation.actions.pick inside its
  transaction, so the notifications app can tell the comment's author ("the editors picked
  your comment"); a receiver that reaches outside defers itself with `transaction.on_commit`.
- `comment_unpicked(sender=Pick, comment)` — sent by curation.actions.unpick inside its
  transaction: no one is told a comment was unpicked, but a pick's notification not yet
  e-mailed is taken back with it.

A member's role (their groups or permissions) decides the badge their
comments carry, which every cached thread showing them holds: a change of role is a change of
their byline (discussion.actions.author_changed)."""

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import Signal

comment_picked = Signal()
comment_unpicked = Signal()

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


def _group_permissions_changed(sender, instance, action, reverse, pk_set, **_kw) -> None:
    """A group's own permissions changed: its members' badges may have (a staff or moderator
    role given or taken through the group)."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    from accounts.models import Member
    from curation.page import forget_roles
    from discussion.actions import author_changed

    if action not in _ROLE_ACTIONS:
        return
    forget_roles()
    transaction.on_commit(forget_roles)
    groups = Group.objects.filter(pk__in=pk_set or ()) if reverse else [instance]
    for member_id in Member.objects.filter(groups__in=groups).values_list("pk", flat=True).distinct():
        author_changed(member_id)


def _comment_written(sender, comment, what, old_status=None, **_kw) -> None:
    """A comment posted or changing status moves its author's comments kept up: their rank is
    worked out again after commit (curation.ranks)."""
    from core.tasks import enqueue_once_on_commit
    from curation.ranks import moves
    from curation.tasks import update_standing
    from discussion.signals import POSTED, STATUS

    if what in (POSTED, STATUS) and comment.author_id and moves(comment.author_id):
        enqueue_once_on_commit(update_standing, comment.author_id)


def _thresholds_changed() -> None:
    """The kept rank thresholds (what a vote checks its rating against) are read again: now,
    and after commit against a vote that read the old ones meanwhile."""
    from django.db import transaction

    from curation.ranks import forget_thresholds

    forget_thresholds()
    transaction.on_commit(forget_thresholds)


def _rank_saved(sender, instance, created=False, raw=False, **_kw) -> None:
    """A rank renamed (or its thresholds moved) in the admin: the threads showing it get new
    versions; members move to their new ranks at their next comment, a vote that crosses a
    threshold or the daily run."""
    from curation.models import Standing
    from discussion.actions import author_changed

    _thresholds_changed()
    if raw or created:
        return
    for member_id in Standing.objects.filter(rank=instance).values_list("member_id", flat=True):
        author_changed(member_id)


def _rank_deleted(sender, instance, **_kw) -> None:
    from curation.models import Standing
    from discussion.actions import author_changed

    _thresholds_changed()
    for member_id in Standing.objects.filter(rank=instance).values_list("member_id", flat=True):
        author_changed(member_id)


def connect() -> None:
    from accounts.models import Member
    from curation.models import Rank
    from curation.tasks import rating_moved
    from discussion.actions import RATING_MOVED
    from discussion.signals import comment_written

    comment_written.connect(_comment_written, dispatch_uid="curation-ranks")
    if rating_moved not in RATING_MOVED:  # a vote that moves a rating across a rank's threshold
        RATING_MOVED.append(rating_moved)
    post_save.connect(_rank_saved, sender=Rank, dispatch_uid="curation-rank-saved")
    pre_delete.connect(_rank_deleted, sender=Rank, dispatch_uid="curation-rank-deleted")
    m2m_changed.connect(_roles_changed, sender=Member.groups.through, dispatch_uid="curation-groups")
    m2m_changed.connect(_roles_changed, sender=Member.user_permissions.through, dispatch_uid="curation-perms")
    from django.contrib.auth.models import Group

    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through,
                        dispatch_uid="curation-group-perms")
