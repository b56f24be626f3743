"""The header's sections: kept per process, forgotten when a section is saved or deleted."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import context_processors
from newsroom.models import Section


def test_sections_are_read_once_then_kept(db):
    context_processors.forget_nav()
    Section.objects.create(name="Fleet", slug="fleet")
    with CaptureQueriesContext(connection) as first:
        pairs = context_processors.nav_sections()
    assert any(name == "Fleet" and address.endswith("/fleet/") for address, name in pairs)
    with CaptureQueriesContext(connection) as again:
        assert context_processors.nav_sections() == pairs
    assert len(first) == 1 and len(again) == 0


def test_a_saved_or_deleted_section_shows_at_once(db, client):
    context_processors.forget_nav()
    context_processors.nav_sections()
    fleet = Section.objects.create(name="Fleet and ports", slug="fleet")
    assert "Fleet and ports" in client.get("/").content.decode()
    fleet.name = "Naval"
    fleet.save()
    html = client.get("/").content.decode()
    assert "Naval" in html and "Fleet and ports" not in html
    fleet.delete()
    assert "Naval" not in client.get("/").content.decode()


def test_kept_sections_expire(db, monkeypatch):
    context_processors.forget_nav()
    context_processors.nav_sections()
    Section.objects.bulk_create([Section(name="Aviation", slug="aviation")])  # no signal: another process's save
    assert all(name != "Aviation" for _a, name in context_processors.nav_sections())
    import time
    from types import SimpleNamespace

    from core import memo

    later = time.monotonic() + context_processors.NAV_SECONDS + 1
    monkeypatch.setattr(memo, "time", SimpleNamespace(monotonic=lambda: later))
    assert any(name == "Aviation" for _a, name in context_processors.nav_sections())


def test_sections_come_in_the_models_order_with_their_addresses(db):
    """The written-out read keeps Section's order (position, then name) and each address."""
    context_processors.forget_nav()
    Section.objects.all().delete()
    Section.objects.create(name="Zeta", slug="zeta", position=0)
    Section.objects.create(name="Alpha", slug="alpha", position=2)
    Section.objects.create(name="Beta", slug="beta", position=0)
    expected = [(s.get_absolute_url(), s.name) for s in Section.objects.all()]
    assert [name for _a, name in expected] == ["Beta", "Zeta", "Alpha"]
    assert context_processors.nav_sections() == expected
