"""A whole discussion's reads on a render from nothing — its rows, their authors, and what the
decor asks (ranks, picks and pin, roles) — go to PostgreSQL together, in one round trip
(core.statements.ahead), and the thread drawn from them is the one drawn without reading ahead."""

from contextlib import contextmanager

import pytest
from django.db import connection

from conftest import role
from core import statements
from curation import actions as curation
from curation.models import Rank, Standing
from discussion import page, render
from discussion.page import clear_caches
from newsroom.models import Author


@pytest.fixture
def decorated(article, post, make_member, editor, moderator):
    """A thread with each kind of decor: a pick, badges (author, staff, moderator), a rank."""
    writer = make_member("writer")
    article.author = Author.objects.create(name="A. Writer", slug="writer", member=writer)
    article.save()
    ranked = make_member("ranked")
    Standing.objects.create(member=ranked, rank=Rank.objects.create(name="Sergeant"))
    said = {m.login: post(m, article, f"from {m.login}") for m in (writer, editor, moderator, ranked)}
    post(ranked, article, "a reply", parent=said["writer"])
    curation.pick(editor, said["ranked"])
    article.refresh_from_db()
    return article


@pytest.fixture
def spied(monkeypatch):
    """What each `ahead` block of a render was given, and what was left untaken at its end."""
    blocks: list[dict] = []
    real = statements.ahead

    @contextmanager
    def spy(reads, using=None):
        with real(reads, using) as left:
            yield left
            untaken = None if left is None else dict(left)  # (emptied when the block ends)
        blocks.append({"reads": [sql for sql, _params in reads], "left": untaken})

    monkeypatch.setattr(statements, "ahead", spy)
    return blocks


def _thread(article) -> bytes:
    clear_caches()
    article.refresh_from_db()
    parts = page.shared_parts(article, "oldest")[0]
    return parts.fill("", {}, {})


def test_the_thread_read_ahead_is_the_thread_read_statement_by_statement(decorated, spied, monkeypatch):
    ahead = _thread(decorated)
    assert b'data-rank="Sergeant"' in ahead and b"b-staff" in ahead and b"b-moderator" in ahead
    assert b"b-author" in ahead and b'class="comment picked"' in ahead
    monkeypatch.setattr(statements, "ahead", contextmanager(lambda reads, using=None: (yield None)))
    assert _thread(decorated) == ahead


def test_a_whole_discussion_reads_its_rows_authors_and_decor_in_one_block_and_takes_them_all(decorated, spied):
    from curation import sql as curation_sql
    from discussion import sql

    _thread(decorated)
    assert len(spied) == 1
    reads = spied[0]["reads"]
    assert reads[0].startswith(sql.THREAD_ROWS[:40]) and reads[1] == sql.AUTHORS_OF_ARTICLE
    assert set(reads[2:]) == {curation_sql.RANKS_OF_ARTICLE, curation_sql.CURATED, curation_sql.ROLES}
    if connection.vendor == "postgresql":
        assert spied[0]["left"] == {}  # every statement read ahead was taken, none run again
    else:
        assert spied[0]["left"] is None  # SQLite: each runs where it is asked


def test_decor_kept_for_the_thread_version_is_not_read_again(decorated, spied):
    from curation import sql as curation_sql

    _thread(decorated)
    page._local.clear()  # the rendered thread gone, the decor kept under its version
    page.shared_parts(decorated, "newest")
    reads = spied[-1]["reads"]
    assert curation_sql.CURATED not in reads and curation_sql.ROLES not in reads
    assert curation_sql.RANKS_OF_ARTICLE in reads
    if connection.vendor == "postgresql":
        assert spied[-1]["left"] == {}


def test_roles_read_ahead_are_not_put_in_the_shared_cache(decorated, moderator):
    """A role changed between a render's reading ahead and its end has forgotten the kept roles
    (curation.signals): the render must not put the old ones back for every later reader."""
    from django.core.cache import cache

    from curation.page import ROLES_KEY

    _thread(decorated)
    if connection.vendor == "postgresql":
        assert cache.get(ROLES_KEY) is None
    else:  # nothing read ahead: the roles were asked and kept as ever
        assert moderator.pk in cache.get(ROLES_KEY)


def test_a_role_taken_away_after_a_render_read_ahead_shows_nowhere(decorated, moderator, client):
    said = next(c for c in decorated.comments.all() if c.author_id == moderator.pk)
    assert b"b-moderator" in _thread(decorated)
    moderator.groups.remove(role("Moderators"))  # forgets the kept roles and raises the version
    decorated.refresh_from_db()
    page._local.clear()  # a render from nothing, with what is kept in the shared cache
    for html in (page.shared_parts(decorated, "oldest")[0].fill("", {}, {}).decode(),
                 client.get(decorated.get_absolute_url()).content.decode()):
        assert "b-moderator" not in html.split(f'id="c{said.pk}"')[1].split("</header>")[0]


def test_a_paged_discussion_reads_nothing_ahead(decorated, spied, monkeypatch):
    from discussion import threads

    monkeypatch.setattr(threads, "WHOLE_LIMIT", 1)
    clear_caches()
    decorated.refresh_from_db()
    html = page.shared_parts(decorated, "oldest")[0].fill("", {}, {})
    assert spied == [{"reads": [], "left": None}]
    assert render.THREAD_OPEN.encode()[:20] in html
