"""A real read replica (PostgreSQL pass only): page reads go to it, a member who just wrote
reads their write from the primary, and the site keeps working while the replica lags (replay
paused) and after it stops (reads fall back to the primary). Outside the PostgreSQL pass these
skip and say so."""

import copy

import pytest
from django.db import close_old_connections, connections
from django.test.utils import CaptureQueriesContext

from core import dbrouter
from core.tests.replica import Replica, pg_pass_or_skip

# Writes really commit in these tests (a replica never sees a transaction rolled back at the
# end of a test); the replica is a database the test may use, and, as a mirror, is not flushed.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases=["default", "replica0"])]


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    """Started once for the run, after the test database exists, as the alias `replica0`
    (session-scoped fixtures come first, so each test's database set-up knows the alias)."""
    pg_pass_or_skip()
    replica = Replica()
    primary = connections["default"].settings_dict
    config = copy.deepcopy(primary)
    config.update(HOST="127.0.0.1", PORT=str(replica.port), TEST={**primary.get("TEST", {}), "MIRROR": "default"})
    config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 3}
    connections.settings["replica0"] = config
    replica.name = primary["NAME"]
    replica.url = f"postgres://postgres@127.0.0.1:{replica.port}/{primary['NAME']}"
    yield replica
    connections["replica0"].close()
    del connections["replica0"]
    del connections.settings["replica0"]
    replica.remove()


@pytest.fixture
def replica(streaming_replica, settings):
    """Veche configured with the replica, as VECHE_DATABASE_REPLICA_URLS would."""
    settings.REPLICA_URLS = [streaming_replica.url]
    settings.DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"]
    dbrouter.forget_failures()
    yield streaming_replica
    streaming_replica.resume()
    dbrouter.forget_failures()


def test_page_reads_go_to_the_replica_not_the_primary(replica, client, make_member, make_article):
    make_member("alice", real_name="Alice Liddell")
    article = make_article(title="Read from the replica")
    replica.caught_up(replica.name)
    with CaptureQueriesContext(connections["replica0"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        profile = client.get("/members/alice/")
        page = client.get(article.get_absolute_url())
    assert profile.status_code == 200 and "Alice Liddell" in profile.content.decode()
    assert page.status_code == 200 and "Read from the replica" in page.content.decode()
    assert len(on_replica.captured_queries) > 0
    assert on_primary.captured_queries == []  # an anonymous reader's pages read nothing from it


def test_while_the_replica_lags_others_see_the_old_page_and_the_writer_their_write(
        replica, client, make_member):
    from django.test import Client

    from accounts.models import Member

    alice = make_member("alice", real_name="Alice Liddell")
    replica.caught_up(replica.name)
    client.force_login(alice)
    replica.pause()  # the replica lags: it keeps what it had
    saved = client.post("/account/", {"real_name": "Alice Pleasance", "email": alice.email, "about": ""})
    assert saved.status_code == 302
    assert "veche_primary" in saved.cookies  # the writer is pinned to the primary for a while
    assert Member.objects.using("default").get(pk=alice.pk).real_name == "Alice Pleasance"

    theirs = client.get("/members/alice/").content.decode()
    assert "Alice Pleasance" in theirs  # the writer reads their own write (the primary)
    anonymous = Client().get("/members/alice/")
    assert anonymous.status_code == 200  # the site works while the replica lags
    assert "Alice Liddell" in anonymous.content.decode()  # from the replica, which lags
    assert "Alice Pleasance" not in anonymous.content.decode()

    replica.resume()
    replica.caught_up(replica.name)
    later = Client().get("/members/alice/").content.decode()
    assert "Alice Pleasance" in later and "Alice Liddell" not in later


def test_when_the_replica_stops_reads_fall_back_to_the_primary(replica, client, make_member, make_article, post):
    from django.test import Client

    alice = make_member("alice", real_name="Alice Liddell")
    article = make_article(title="Still served")
    replica.caught_up(replica.name)
    assert Client().get("/members/alice/").status_code == 200  # a connection to the replica is open
    replica.stop()
    try:
        # A request begins: Django marks its connections for a health check (the test client
        # leaves this out, a server does it on every request).
        close_old_connections()
        post(alice, article, "Written while the replica is down.")
        for _ in range(2):  # the open connection found dead, then the replica left alone
            profile = Client().get("/members/alice/")
            assert profile.status_code == 200
            assert "Written while the replica is down." in profile.content.decode()
        page = Client().get(article.get_absolute_url())
        assert page.status_code == 200 and "Still served" in page.content.decode()
        client.force_login(alice)
        assert client.post("/account/", {"real_name": "Alice P", "email": "", "about": ""}).status_code == 302
    finally:
        replica.start()
