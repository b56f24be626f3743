"""The thread's clock writes every time exactly as the zone database does."""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import display

ZONES = ["Europe/Moscow", "UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
         "America/St_Johns", "Africa/Monrovia", "Pacific/Chatham", "Europe/London"]


def _reference(dt, tz):
    local = dt.astimezone(tz)
    return (local.isoformat(timespec="seconds"),
            f"{local.day} {display.month_names('en')[local.month]} {local.year} {local.hour:02d}:{local.minute:02d}")


def _instants(tz_name: str):
    rng = random.Random(tz_name)
    tz = ZoneInfo(tz_name)
    out = [datetime(1960, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(80 * 365 * 86400),
                                                         microseconds=rng.randrange(10**6)) for _ in range(3000)]
    # Every minute around this zone's offset changes of 2021 (daylight saving, both ways).
    t = datetime(2021, 1, 1, tzinfo=UTC)
    while t.year == 2021:
        if t.astimezone(tz).utcoffset() != (t + timedelta(hours=1)).astimezone(tz).utcoffset():
            out += [t + timedelta(minutes=m, seconds=s) for m in range(-70, 130) for s in (0, 59)]
        t += timedelta(hours=1)
    return out


@pytest.mark.parametrize("zone", ZONES)
def test_clock_matches_the_zone_database(zone):
    tz = ZoneInfo(zone)
    clock = display.Clock(tz)
    for dt in _instants(zone):
        expected = _reference(dt, tz)
        assert clock.format(dt) == expected, dt
        # SQLite's text, with and without fractional seconds
        assert clock.format(dt.replace(tzinfo=None).isoformat(sep=" ")) == expected, dt
        assert clock.format(dt.replace(tzinfo=None, microsecond=0).isoformat(sep=" ")) == expected, dt
        # a time given in another zone
        assert clock.format(dt.astimezone(ZoneInfo("Asia/Tokyo"))) == expected, dt


def test_the_site_clock_follows_the_setting(settings):
    dt = datetime(2021, 5, 14, 10, 49, 7, tzinfo=UTC)
    settings.TIME_ZONE = "Europe/Moscow"
    assert display.format_time(dt) == ("2021-05-14T13:49:07+03:00", "14 May 2021 13:49")
    settings.TIME_ZONE = "Asia/Kathmandu"
    assert display.format_time(dt) == ("2021-05-14T16:34:07+05:45", "14 May 2021 16:34")
