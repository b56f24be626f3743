"""The long page on a phone: comments away from the screen are neither laid out nor painted
(content-visibility), yet every one of them is in the accessibility tree, reachable by its link,
and works when the reader gets to it; the vote buttons are the thread's vote form's."""

from playwright.sync_api import expect

from e2e.conftest import SEED_SLUG

PHONE = {"width": 390, "height": 844}


def test_off_screen_comments_skip_rendering_yet_stay_reachable(site, browser):
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        url = f"{site.url}/articles/{SEED_SLUG}/"
        page.goto(url)
        comments = page.locator("#thread li.comment")
        last = comments.last
        assert last.evaluate("e => getComputedStyle(e).contentVisibility") == "auto"
        # Skipped while far below the screen: the browser has not rendered what is in it...
        text = last.locator(":scope > .c-text")
        assert text.evaluate("e => e.checkVisibility({contentVisibilityAuto: true})") is False
        # ...and a reader of the first screen has it all the same: its words are in the
        # accessibility tree, as the first comment's are.
        tree = page.locator("#thread").aria_snapshot()
        words = text.evaluate("e => (e.querySelector('p') || e).firstChild.textContent.trim().slice(0, 20)")
        assert words and words in tree
        assert f"/url: /comments/{last.get_attribute('id')[1:]}/" in tree  # its More link
        # A link to it lands on it, rendered, although the comments the jump brings near the
        # screen take their real heights only after it (the script scrolls again until it stays).
        cid = last.get_attribute("id")
        page.goto(f"{url}#{cid}")
        expect(page.locator(f"#{cid}")).to_be_in_viewport()
        assert page.locator(f"#{cid} > .c-text").evaluate("e => e.checkVisibility({contentVisibilityAuto: true})") is True
        # From there, back up the page by a link to an earlier comment (as a quote's source is).
        earlier = comments.nth(3).get_attribute("id")
        page.evaluate("(id) => { location.hash = id; }", earlier)
        expect(page.locator(f"#{earlier}")).to_be_in_viewport()
        assert abs(page.locator(f"#{earlier}").evaluate("e => e.getBoundingClientRect().top")) < 3
        # Its vote button belongs to the thread's one vote form by being inside it.
        owner = page.locator(f"#{cid} > .plus").evaluate("b => b.form && b.form.id")
        assert owner == "vote-form"
        assert page.locator("#thread button[form]").count() == 0
    finally:
        ctx.close()
