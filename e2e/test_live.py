"""Live updates: what one member does appears on every open page of the article."""

import time

import pytest
from playwright.sync_api import expect

from e2e.live_helpers import EventStream, Member

SLUG = "how-the-railway-reached-the-town-in-1898"


def test_new_comment_vote_edit_and_delete_appear_on_another_page(site, browser, page):
    page.goto(f"{site.url}/articles/{SLUG}/")
    expect(page.locator("#comments")).to_have_attribute("data-live", "1")
    first = page.locator("#thread > li.comment").first
    first_id = int(first.get_attribute("id")[1:])
    writer = Member(browser, site.url)
    try:
        replies_before = first.locator(":scope > ol.replies > li.comment").count()
        data = writer.comment(SLUG, "Live reply from another reader", parent=first_id)
        live = page.locator(f"#c{data['id']}")
        # Within a second, in the right place with the right number.
        expect(live).to_have_count(1, timeout=1000)
        expect(first.locator(f":scope > ol.replies > #c{data['id']}")).to_have_count(1)
        expect(live.locator(".num").first).to_have_text(f"{replies_before + 1}.")
        expect(live.locator(".presence")).to_have_text("Online")

        status, votes = writer.post(f"/comments/{first_id}/vote/", value=1, mode="set")
        assert status == 200
        expect(first.locator(":scope > .plus")).to_have_text(f"+{votes['plus']}", timeout=1000)

        status, _ = writer.post(f"/comments/{data['id']}/edit/", body="Live reply, corrected")
        assert status == 200
        expect(live.locator(".c-text")).to_have_text("Live reply, corrected", timeout=1000)
        expect(live.locator(".edited")).to_have_count(1)

        status, _ = writer.post(f"/comments/{data['id']}/delete/")
        assert status == 200
        expect(live).to_have_count(0, timeout=1000)
    finally:
        writer.close()


def test_new_comments_out_of_view_raise_a_notice_that_jumps_to_them(site, browser, page):
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(f"{site.url}/articles/{SLUG}/")
    expect(page.locator("#comments")).to_have_attribute("data-live", "1")
    page.evaluate("window.scrollTo(0, 0)")
    writer = Member(browser, site.url)
    try:
        a = writer.comment(SLUG, "Out of view one")
        b = writer.comment(SLUG, "Out of view two")
        notice = page.locator("#new-comments button")
        expect(notice).to_have_text("2 new comments")
        notice.click()
        expect(page.locator(f"#c{a['id']}")).to_be_in_viewport()
        if page.locator("#new-comments").is_visible():  # the second may already be in view
            expect(notice).to_have_text("1 new comment")
            notice.click()
        expect(page.locator(f"#c{b['id']}")).to_be_in_viewport()
        expect(page.locator("#new-comments")).to_be_hidden()
    finally:
        writer.close()


def test_a_reader_that_reconnects_gets_what_it_missed(site, browser):
    writer = Member(browser, site.url)
    try:
        stream = EventStream(site.url, SLUG)
        writer.comment(SLUG, "Before the disconnect")
        seen = stream.next_of("comment.new")
        stream.close()
        made = [writer.comment(SLUG, f"While away {i}")["id"] for i in range(3)]
        again = EventStream(site.url, SLUG, last_id=seen["id"])
        got = [again.next_of("comment.new") for _ in range(3)]
        again.close()
        assert [e["type"] for e in got] == ["comment.new"] * 3
        assert [e["comment"] for e in got] == made
        # An id from beyond the replay window asks the page to reload its thread.
        stale = EventStream(site.url, SLUG, last_id="1-1")
        assert stale.next_event()["type"] == "resync"
        stale.close()
    finally:
        writer.close()


def test_presence_comes_online_live(site, browser, page):
    page.goto(f"{site.url}/articles/{SLUG}/")
    expect(page.locator("#comments")).to_have_attribute("data-live", "1")
    writer = Member(browser, site.url)
    try:
        data = writer.comment(SLUG, "I am here")
        li = page.locator(f"#c{data['id']}")
        expect(li.locator(".presence")).to_have_text("Online", timeout=2000)
        # Online lapses by itself at its time, without a reload.
        page.evaluate(f"document.querySelector('#c{data['id']} .presence').dataset.until = '1'")
        expect(li.locator(".presence")).to_have_text("Offline", timeout=15000)
    finally:
        writer.close()


def test_sse_stream_answers_404_for_a_missing_article(site):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{site.url}/articles/no-such-article/events/", timeout=5)
    assert err.value.code == 404
    assert time.time() > 0


def test_a_collapse_button_only_where_there_are_replies_and_a_live_reply_brings_one(site, browser, page):
    page.goto(f"{site.url}/articles/{SLUG}/")
    expect(page.locator("#comments")).to_have_attribute("data-live", "1")
    shown = page.eval_on_selector_all("#thread li.comment", """els => els.map(el =>
        [!!el.querySelector(":scope > ol.replies"), el.querySelectorAll(":scope > header .collapse").length])""")
    assert any(replies for replies, _n in shown) and any(not replies for replies, _n in shown)
    assert [n for _replies, n in shown] == [1 if replies else 0 for replies, _n in shown]
    writer = Member(browser, site.url)
    try:
        leaf = page.locator(f"#c{writer.comment(SLUG, 'Alone, for a moment')['id']}")
        expect(leaf).to_have_count(1, timeout=2000)
        expect(leaf.locator(":scope > header .collapse")).to_have_count(0)
        reply = page.locator(f"#c{writer.comment(SLUG, 'Its first reply', parent=int(leaf.get_attribute('id')[1:]))['id']}")
        expect(reply).to_have_count(1, timeout=2000)
        button = leaf.locator(":scope > header .collapse")
        expect(button).to_have_count(1)
        button.click()
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(reply).to_be_hidden()
        expect(leaf.locator(":scope > .c-text")).to_be_hidden()
        button.click()
        expect(reply).to_be_visible()
        # Deleted with its reply under it, the comment stays as a placeholder that still folds.
        leaf_id = int(leaf.get_attribute("id")[1:])
        assert writer.post(f"/comments/{leaf_id}/delete/")[0] == 200
        expect(leaf.locator(":scope > header em")).to_have_count(1, timeout=2000)
        expect(leaf.locator(":scope > header .collapse")).to_have_count(1)
        # Its last reply gone, nothing is left to fold: no empty list, no button.
        assert writer.post(f"/comments/{int(reply.get_attribute('id')[1:])}/delete/")[0] == 200
        expect(reply).to_have_count(0, timeout=2000)
        expect(page.locator(f"#c{leaf_id} > ol.replies")).to_have_count(0)
        expect(page.locator(f"#c{leaf_id} > header .collapse")).to_have_count(0)
    finally:
        writer.close()
