"""How Veche writes times and draws members, the same on every page, in the API and in the
live stream: comment times in the site's zone and the reader's language («14 мая 2021 13:49»,
"14 May 2021 13:49": the day, the month's name as a date says it — the genitive in Russian —
the year, the time), a member's initials and avatar colour.

Framework-neutral apart from reading the site's zone and Django's month names; no app's code."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.dates import MONTHS_ALT

from core.memo import Memo

AVATAR_HUES = 12

_zones: Memo[ZoneInfo] = Memo("zones", items=64)


def site_tz() -> ZoneInfo:
    return _zones.get_or_make(settings.TIME_ZONE, lambda: ZoneInfo(settings.TIME_ZONE))


def month_names(language: str) -> list[str]:
    """["", "January", …] as a date writes them in `language` (Django's "alt. month" names:
    the genitive in Russian, «мая»)."""
    with translation.override(language):
        return ["", *(str(MONTHS_ALT[m]) for m in range(1, 13))]


def _local_time(dt, tz: ZoneInfo, months: list[str]) -> tuple[str, str]:
    local = dt.astimezone(tz)
    return (local.isoformat(timespec="seconds"),
            f"{local.day} {months[local.month]} {local.year} {local.hour:02d}:{local.minute:02d}")


def format_time(dt) -> tuple[str, str]:
    """(ISO 8601 with offset, "14 May 2021 13:49") in the site time zone and the active language."""
    return clock().format(dt)


class Clock:
    """Comment times in one zone, as format_time gives them, for a thousand comments a render.

    Converting each time through the zone database cost half of rendering a comment. The zone's
    offset and the local date are worked out once per UTC hour and kept; a time within that
    hour is then written from its minutes and seconds. Where the offset changes within the hour,
    or has seconds in it (local mean time, before standard zones), the hour takes the full path.
    SQLite's times arrive as text ("2021-05-14 10:49:07.123456", UTC) and are read as text."""

    HOURS = 100_000  # hours kept (about 11 years of comments)

    def __init__(self, tz: ZoneInfo, language: str = "en"):
        self.tz = tz
        self.months = month_names(language)
        # The clock's own hours: forgotten with the clock (the "clocks" memo holds it).
        self.hours: Memo = Memo("clock-hours", items=self.HOURS, registered=False)

    def _hour(self, key, y: int, mo: int, d: int, h: int):
        start = datetime(y, mo, d, h, tzinfo=UTC)
        first = start.astimezone(self.tz)
        offset = first.utcoffset()
        entry = None
        if offset == (start + timedelta(seconds=3599)).astimezone(self.tz).utcoffset() and not offset.seconds % 60:
            rolled = (start + timedelta(minutes=60 - first.minute)).astimezone(self.tz)
            entry = (first.minute, _heads(first, self.months), _heads(rolled, self.months))
        self.hours.put(key, entry)
        return entry

    def format(self, value) -> tuple[str, str]:
        """`value`: an aware datetime, or the database's UTC text."""
        hours = self.hours.data  # read directly: this memo has no expiry and no use order
        if type(value) is str:
            if len(value) < 19 or value[10] != " ":
                return _local_time(datetime.fromisoformat(value).replace(tzinfo=UTC), self.tz, self.months)
            key = value[:13]
            kept = hours.get(key)
            entry = kept[0] if kept is not None else self._hour(
                key, int(value[:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]))
            if entry is None:
                return _local_time(datetime.fromisoformat(value).replace(tzinfo=UTC), self.tz, self.months)
            minute, second = int(value[14:16]), value[17:19]
        else:
            if value.utcoffset():
                value = value.astimezone(UTC)
            key = (value.year, value.month, value.day, value.hour)
            kept = hours.get(key)
            entry = kept[0] if kept is not None else self._hour(key, *key)
            if entry is None:
                return _local_time(value, self.tz, self.months)
            minute, second = value.minute, _TWO[value.second]
        minute += entry[0]
        iso_head, human_head, offset = entry[1] if minute < 60 else entry[2]
        mm = _TWO[minute % 60]
        return f"{iso_head}{mm}:{second}{offset}", human_head + mm


_TWO = [f"{i:02d}" for i in range(120)]
_clocks: Memo[Clock] = Memo("clocks", items=64)


def _heads(local: datetime, months: list[str]) -> tuple[str, str, str]:
    """("2021-05-14T13:", "14 May 2021 13:", "+03:00") for a local time."""
    iso = local.isoformat(timespec="minutes")
    return iso[:14], f"{local.day} {months[local.month]} {local.year} {local.hour:02d}:", iso[16:]


def clock(language: str | None = None) -> Clock:
    """The site zone's clock in `language` (the active one when None), per zone name and
    language, so a changed setting takes effect and no language gets another's month names."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return _clocks.get_or_make((settings.TIME_ZONE, language), lambda: Clock(site_tz(), language))


def initials(login: str) -> str:
    words = [w for w in login.replace("_", " ").replace("-", " ").replace(".", " ").split() if w]
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return login[:2].upper() if login else "?"


def avatar_hue(member_id: int) -> int:
    return (member_id * 7919) % AVATAR_HUES
