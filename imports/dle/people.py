"""DLE's users as Veche members, with their roles and bans.

Every user becomes an imported member (imports.members: is_imported, import_key
"dle:id:<user_id>", no usable password) who takes the account back by e-mail, with the
password reset. DLE's password hashes are not carried over (docs/import-dle.md says why).
Roles, the profile's text and a ban are given when the member is created, in the same
transaction, so a re-run neither repeats nor undoes what was changed since.

A ban is restored as a fact, not re-enacted through moderation.actions.ban, which needs a
moderator in Veche to decide it: the row is written with no moderator, the moderation log
says it came from DLE, and moderation.policy learns of it through the Ban model's signal.
"""

from datetime import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Member
from imports import members
from imports.dle.markup import plain_text
from imports.dle.run import SOURCE, DleOptions, DleSummary
from imports.dle.store import Store
from imports.records import clean_email
from moderation import actions as moderation_actions
from moderation.models import Ban

BATCH = 500  # members committed at a time
ABOUT_MAX = 2000  # Member.about
REASON_MAX = 300  # Ban.reason
EDITORS, MODERATORS = "Editors", "Moderators"


def import_key(user_id: int) -> str:
    return f"{SOURCE}:id:{user_id}"


def role_groups(store: Store, options: DleOptions) -> dict[int, str]:
    """DLE group id → Veche role. Without --moderator-groups, a group of the site's own that
    may edit or delete every comment (edit_allc, del_allc) is a moderators' group."""
    roles = dict.fromkeys(options.editor_groups, EDITORS)
    if options.moderator_groups is not None:
        moderators = set(options.moderator_groups)
    else:
        moderators = {r["id"] for r in store.query(
            "SELECT id FROM usergroups WHERE edit_allc = 1 OR del_allc = 1")}
    for group in moderators:
        roles.setdefault(group, MODERATORS)
    return roles


def _bans(store: Store) -> dict[int, tuple[str, datetime | None]]:
    """user id → (reason, end or None for never): the latest ban row of each."""
    out = {}
    for row in store.query("SELECT users_id, descr, date FROM banned WHERE users_id > 0 ORDER BY rowid"):
        until = datetime.fromisoformat(row["date"]) if row["date"] else None
        out[row["users_id"]] = (plain_text(row["descr"], REASON_MAX), until)
    return out


def import_users(store: Store, options: DleOptions, summary: DleSummary) -> None:
    roles = role_groups(store, options)
    groups = {name: Group.objects.filter(name=name).first() for name in set(roles.values())}
    for name, group in groups.items():
        if group is None:
            summary.warn(f"there is no “{name}” group in this Veche: no one was given that role")
    bans = _bans(store)
    batch = []
    for row in store.stream("SELECT * FROM users ORDER BY user_id"):
        batch.append(row)
        if len(batch) >= BATCH:
            _write(batch, roles, groups, bans, summary)
            batch = []
    if batch:
        _write(batch, roles, groups, bans, summary)


def _write(rows, roles, groups, bans, summary: DleSummary) -> None:
    with transaction.atomic():
        keys = [import_key(r["user_id"]) for r in rows]
        there = set(Member.objects.filter(import_key__in=keys).values_list("import_key", flat=True))
        for row in rows:
            if import_key(row["user_id"]) in there:
                summary.members_existing += 1
                continue
            member = _create(row, summary)
            role = roles.get(row["user_group"])
            group = groups.get(role) if role else None
            if group is not None:
                member.groups.add(group)
                summary.editors += role == EDITORS
                summary.moderators += role == MODERATORS
            if (row["banned"] or "").strip().lower() == "yes":
                _ban(member, *bans.get(row["user_id"], ("", None)), summary=summary)


def _create(row, summary: DleSummary) -> Member:
    name = " ".join((row["name"] or "").split())
    joined = datetime.fromisoformat(row["reg_date"]) if row["reg_date"] else None
    member = members.resolve(SOURCE, f"id:{row['user_id']}", name,
                             real_name=" ".join((row["fullname"] or "").split()),
                             email=clean_email(row["email"]), joined=joined)
    summary.members_created += 1
    if member.login != name:
        summary.renamed += 1
        summary.warn(f"DLE member {name!r} (user_id {row['user_id']}) is {member.login!r} here: "
                     "the login was taken or cannot be a Veche login")
    about = plain_text(row["info"], ABOUT_MAX)
    last_seen = datetime.fromisoformat(row["lastdate"]) if row["lastdate"] else None
    if about or last_seen:
        Member.objects.filter(pk=member.pk).update(about=about, last_seen=last_seen)
    return member


def _ban(member: Member, reason: str, until: datetime | None, *, summary: DleSummary) -> None:
    if until is not None and until <= timezone.now():
        summary.bans_expired += 1
        return
    reason = reason or _("Banned on the old site.")
    Ban.objects.create(member=member, moderator=None, scope=Ban.Scope.FULL, reason=reason[:REASON_MAX],
                       until=until)
    moderation_actions.log(None, "ban", member=member, reason=Ban.Scope.FULL,
                           note=_("imported from DataLife Engine; %(until)s; %(reason)s") % {
                               "until": until.isoformat() if until else _("permanent"), "reason": reason})
    summary.bans += 1
