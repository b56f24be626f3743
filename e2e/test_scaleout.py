"""Several Veche processes over one PostgreSQL and one Redis, as on several machines."""

import pytest
from playwright.sync_api import expect

from e2e.live_helpers import EventStream, Member
from e2e.server import Server, environment, prepare, scaleout

pytestmark = pytest.mark.skipif(
    not scaleout(), reason="needs PostgreSQL and Redis: runs in the PostgreSQL + Redis pass")
SLUG = "heating-prices-what-the-new-tariff-formula-changes"


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    var = tmp_path_factory.mktemp("veche-two")
    env = environment(var, db_name="veche_e2e_two")
    env["VECHE_REDIS_URL"] = env["VECHE_REDIS_URL"].rsplit("/", 1)[0] + "/13"
    prepare(env, None)
    a, b = Server(env), Server(env)
    yield a, b
    a.kill()
    b.kill()


def test_a_comment_posted_on_one_process_appears_on_a_page_served_by_another(two_servers, browser, page):
    a, b = two_servers
    page.goto(f"{b.url}/articles/{SLUG}/")
    expect(page.locator("#comments")).to_have_attribute("data-live", "1")
    first = page.locator("#thread > li.comment").first
    first_id = int(first.get_attribute("id")[1:])
    writer = Member(browser, a.url, "writer-a")
    try:
        top = page.locator("#thread > li.comment").count()
        new_top = writer.comment(SLUG, "Posted through process A")
        reply = writer.comment(SLUG, "A reply through process A", parent=first_id)
        expect(page.locator(f"#c{new_top['id']}")).to_have_count(1, timeout=1000)
        expect(page.locator(f"#thread > #c{new_top['id']} .num").first).to_have_text(f"{top + 1}.")
        expect(first.locator(f":scope > ol.replies > #c{reply['id']}")).to_have_count(1, timeout=1000)
    finally:
        writer.close()


def test_a_reader_of_process_b_disconnected_during_three_posts_gets_all_three(two_servers, browser):
    a, b = two_servers
    writer = Member(browser, a.url, "writer-b")
    try:
        stream = EventStream(b.url, SLUG)
        writer.comment(SLUG, "Before")
        last = stream.next_of("comment.new")
        stream.close()
        made = [writer.comment(SLUG, f"Missed {i}")["id"] for i in range(3)]
        again = EventStream(b.url, SLUG, last_id=last["id"])
        assert [again.next_of("comment.new")["comment"] for _ in range(3)] == made
        again.close()
    finally:
        writer.close()
