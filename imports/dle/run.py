"""What a DLE import is told (its options) and what it reports (its summary)."""

from dataclasses import dataclass

from imports.common import Options, Summary

SOURCE = "dle"
DEFAULT_PREFIX = "dle_"
# DLE's own groups (its install SQL): 1 administrators, 2 chief editors, 3 journalists,
# 4 visitors, 5 guests. It ships no moderators' group: a site's own group that may edit or
# delete every comment is one (see people.role_groups).
EDITOR_GROUPS = (1, 2)


@dataclass
class DleOptions(Options):
    database_url: str = ""
    prefix: str = DEFAULT_PREFIX
    site_url: str = ""  # the old site's address: articles keep it as source_url
    time_zone: str = ""  # the zone DLE's dates are in; "" means Veche's TIME_ZONE
    encoding: str | None = None  # of a dump; None: what it declares, else UTF-8
    editor_groups: tuple[int, ...] = EDITOR_GROUPS
    moderator_groups: tuple[int, ...] | None = None  # None: found from the groups' rights


@dataclass
class DleSummary(Summary):
    members_created: int = 0
    members_existing: int = 0
    renamed: int = 0
    editors: int = 0
    moderators: int = 0
    bans: int = 0
    bans_expired: int = 0
    hidden: int = 0
    votes_left_out: int = 0

    def as_text(self) -> str:
        members = (f"members: {self.members_created:,} created, {self.members_existing:,} already there; "
                   f"{self.editors:,} editors, {self.moderators:,} moderators, {self.bans:,} banned")
        if self.bans_expired:
            members += f" ({self.bans_expired:,} expired bans left out)"
        if self.renamed:
            members += f"; {self.renamed:,} took another login (theirs was taken)"
        notes = [members]
        if self.hidden:
            notes.append(f"{self.hidden:,} [hide] blocks were left out")
        if self.votes_left_out:
            notes.append(f"{self.votes_left_out:,} comment votes left out (guests', unknown voters', "
                         "on one's own or on hidden comments)")
        lines = super().as_text().split("\n")
        return "\n".join(lines[:2] + notes + lines[2:])
