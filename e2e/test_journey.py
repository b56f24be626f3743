"""A new visitor reads the seed article, signs up, and takes part — with JavaScript and without."""

import re

from playwright.sync_api import expect

from e2e.conftest import SEED_SLUG, shot, sign_up, unique_login


def test_reading_signing_up_and_taking_part(site, page):
    url = f"{site.url}/articles/{SEED_SLUG}/"
    page.goto(url)
    expect(page.locator("h1")).to_have_text(re.compile("Azerbaijan's new act of aggression"))
    # The seed's 17 comments (other browser tests may have added theirs after them).
    assert page.locator("#thread li.comment").count() >= 17
    expect(page.locator("#thread > li.comment").nth(9).locator(":scope > header").first).to_contain_text("Canich-dotoshnii")
    expect(page.locator(".notice.signin")).to_contain_text(
        "Dear reader, to leave comments on the publication, you must sign in")
    bakht = page.locator("#thread > li.comment").nth(1)
    expect(bakht.locator(":scope > header").first).to_contain_text("Bakht (Bakhtiyar)")
    expect(bakht.locator("time").first).to_have_text("14 May 2021 13:50")
    expect(page.locator("img.smiley[alt=winked]")).to_have_count(1)
    shot(page, "article-desktop")

    # Sign up from the discussion and come back to it.
    page.click(".notice.signin a:has-text('sign up')")
    login = unique_login()
    page.fill("#id_login", login)
    page.fill("#id_password", "a long enough passphrase")
    page.click("button:has-text('Create my account')")
    page.wait_for_url(re.compile(SEED_SLUG))
    expect(page.locator("#comment-form textarea")).to_be_visible()

    # A comment, published in place.
    top_level = page.locator("#thread > li.comment").count()
    count = int(page.locator(".discussion-head .count").inner_text())
    page.fill("#comment-form textarea", "My first words here :hello:")
    page.click("#comment-form button[type=submit]")
    mine = page.locator("li.comment.mine").filter(has_text="My first words here")
    expect(mine).to_have_count(1)
    expect(mine.locator("img.smiley[alt=hello]")).to_have_count(1)
    expect(mine.locator(".num").first).to_have_text(f"{top_level + 1}.")
    mine = page.locator("#" + mine.get_attribute("id"))  # by id: its text changes below
    expect(page.locator(".discussion-head .count")).to_have_text(str(count + 1))

    # A reply to one of Bakht's comments, inline.
    bakht.locator(":scope > a[data-act=reply]").click()
    form = page.locator("form.inline-form")
    form.locator("textarea").fill("A reply to Bakht")
    form.locator("button[type=submit]:not([name=preview])").click()
    reply = bakht.locator(":scope > ol.replies > li.comment").filter(has_text="A reply to Bakht")
    expect(reply).to_have_count(1)
    expect(reply.locator(".num").first).to_have_text(f"{bakht.locator(':scope > ol.replies > li').count()}.")

    # Quote a sentence of the article by selecting it.
    paragraph = page.locator("#story-body p").nth(2)
    pid = paragraph.get_attribute("id")
    page.evaluate("""(id) => {
        const p = document.getElementById(id);
        const range = document.createRange();
        range.setStart(p.firstChild, 0); range.setEnd(p.firstChild, 40);
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);
    }""", pid)
    page.locator(".quote-pop").click()
    textarea = page.locator("#comment-form textarea")
    expect(textarea).to_have_value(re.compile(rf"^> \[quote={pid}\]\n> The results of the war"))
    textarea.press("End")
    textarea.type("\nThat is the point.")
    page.click("#comment-form button[type=submit]")
    quoted = page.locator("li.comment.mine").filter(has_text="That is the point.")
    expect(quoted.locator("blockquote.quote a.quote-source")).to_have_attribute("href", re.compile(f"#{pid}$"))

    # Vote on someone's comment.
    first = page.locator("#thread > li.comment").first
    before = int(first.locator(":scope > .plus").text_content()[1:])  # other browser tests vote too
    first.locator(":scope > .plus").click()
    expect(first.locator(":scope > .plus")).to_have_text(f"+{before + 1}")
    expect(first.locator(":scope > .plus")).to_have_attribute("aria-pressed", "true")

    # Edit, then delete, my own comment.
    mine.locator(":scope > a[data-act=edit]").click()
    mine.locator("form.edit-inline textarea").fill("My first words, edited")
    mine.locator("form.edit-inline button").click()
    expect(mine.locator(".c-text")).to_have_text("My first words, edited")
    expect(mine.locator(".edited")).to_have_count(1)
    mine.locator(":scope > a[data-act=delete]").click()
    expect(mine).to_have_count(0)

    # After a reload everything is still there, as saved.
    page.reload()
    expect(page.locator(".c-text").filter(has_text="A reply to Bakht")).to_have_count(1)
    expect(page.locator("#thread > li.comment").first.locator(":scope > .plus")).to_have_attribute("aria-pressed", "true")
    shot(page, "article-signed-in")


def test_posting_and_replying_without_javascript(site, browser):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        sign_up(page, site.url, unique_login("nojs"), f"/articles/{SEED_SLUG}/")
        page.goto(f"{site.url}/articles/{SEED_SLUG}/")
        page.fill("#comment-form textarea", "Written without JavaScript")
        page.click("#comment-form button[type=submit]")
        page.wait_for_url(re.compile(r"#c\d+$"))
        expect(page.locator("li.comment").filter(has_text="Written without JavaScript")).to_have_count(1)
        # Reply through the reply page, quoting the whole comment: from its action page ("More").
        target = page.locator("#thread > li.comment").nth(3)
        target.locator(":scope > a.more").click()
        page.click("a[href$='/reply/?quote=1']")
        expect(page.locator("h1")).to_contain_text("Reply to Just a cat")
        expect(page.locator("textarea")).to_have_value(re.compile(r"^> \[quote=c\d+\]\n> Let the Armenian diaspora"))
        page.locator("textarea").press("End")
        page.locator("textarea").type("\nNo JS reply")
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"#c\d+$"))
        reply = page.locator("#thread > li.comment").nth(3).locator(":scope > ol.replies > li.comment")
        expect(reply.filter(has_text="No JS reply")).to_have_count(1)
        expect(reply.locator("blockquote.quote a.quote-source")).to_contain_text("Just a cat wrote:")
        # A vote by the plain form.
        first = page.locator("#thread > li.comment").first
        first.locator(":scope > .minus").click()
        expect(page.locator("#thread > li.comment").first.locator(":scope > .minus")).not_to_have_text("\u22120")
    finally:
        ctx.close()


def test_screenshots_at_desktop_and_phone_widths(site, browser):
    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
        ctx = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = ctx.new_page()
        page.goto(f"{site.url}/articles/{SEED_SLUG}/#comments")
        page.wait_for_load_state("networkidle")
        shot(page, f"discussion-{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"horizontal scroll at {name} width"
        ctx.close()
