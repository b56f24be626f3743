"""Mentions completed as you type, and the unread count arriving live in the header."""

import re

from playwright.sync_api import expect

from e2e.conftest import SEED_SLUG, shot, sign_up, unique_login


def test_a_mention_completed_as_typed_reaches_the_member_live(site, browser, page):
    url = f"{site.url}/articles/{SEED_SLUG}/"
    # The one to be mentioned takes part in the discussion and keeps its page open.
    them = unique_login("cat")
    sign_up(page, site.url, them, f"/articles/{SEED_SLUG}/")
    page.goto(url)
    page.fill("#comment-form textarea", "I was here first.")
    page.click("#comment-form button[type=submit]")
    expect(page.locator("li.comment.mine").filter(has_text="I was here first.")).to_have_count(1)
    expect(page.locator(".notify-link .badge")).to_have_count(0)

    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    other.set_default_timeout(10_000)
    try:
        sign_up(other, site.url, unique_login("writer"), f"/articles/{SEED_SLUG}/")
        other.goto(url)
        textarea = other.locator("#comment-form textarea")
        textarea.click()
        textarea.press_sequentially("Hello @" + them[:3], delay=30)
        options = other.locator("ul.mention-complete li")
        expect(options.first).to_have_text("@" + them)  # who took part in this discussion comes first
        shot(other, "mention-completion")
        textarea.press("ArrowDown")
        textarea.press("Enter")
        expect(textarea).to_have_value(f'Hello @"{them}" ')
        textarea.press_sequentially("welcome!")
        other.click("#comment-form button[type=submit]")
        mention = other.locator("li.comment.mine a.mention")
        expect(mention).to_have_text("@" + them)
        expect(mention).to_have_attribute("href", re.compile(r"^/members/"))
    finally:
        other_context.close()

    # The mentioned member's open page hears of it over the live stream.
    expect(page.locator(".notify-link .badge")).to_have_text("1", timeout=15_000)
    page.click(".notify-link")
    expect(page.locator("ol.notifications li.unread")).to_contain_text("mentioned you")
    shot(page, "notifications-page")
    page.click("button:has-text('Mark all read')")
    expect(page.locator(".notify-link .badge")).to_have_count(0)
