"""Curation in the browser: an editors' pick, ignoring a member, previewing a comment."""

from playwright.sync_api import expect

from e2e.conftest import shot, sign_up, unique_login
from e2e.test_moderation import SLUG, make_moderator


def _post(page, base: str, text: str) -> str:
    page.goto(f"{base}/articles/{SLUG}/")
    page.fill("#comment-form textarea", text)
    page.click("#comment-form button:has-text('Publish')")
    mine = page.locator("li.comment.mine").last
    expect(mine).to_contain_text(text)
    return mine.get_attribute("id")[1:]


def test_a_moderator_picks_a_comment_and_every_reader_sees_it(site, browser):
    author_ctx, mod_ctx, reader_ctx = (browser.new_context() for _ in range(3))
    try:
        author = author_ctx.new_page()
        sign_up(author, site.url, unique_login("writer"), f"/articles/{SLUG}/")
        cid = _post(author, site.url, "A well-sourced point worth picking")
        mod = mod_ctx.new_page()
        mod_login = unique_login("mod")
        sign_up(mod, site.url, mod_login)
        make_moderator(site, mod_login)
        mod.goto(f"{site.url}/comments/{cid}/pick/")
        mod.click("button[value=pick]")
        expect(mod.locator(f"#c{cid} .pick-mark")).to_be_visible()
        expect(mod.locator("#picks")).to_contain_text("A well-sourced point worth picking")
        mod.locator(f"#picks a[href='#c{cid}']").click()
        shot(mod, "curation-pick")
        reader = reader_ctx.new_page()  # a visitor: the shared cached page shows it too
        reader.goto(f"{site.url}/articles/{SLUG}/")
        expect(reader.locator(f"#c{cid} .pick-mark")).to_be_visible()
        expect(reader.locator(f"#c{cid} a[href$='/pick/']")).to_have_count(0)  # no Pick link for them
        reader.goto(f"{site.url}/comments/{cid}/")
        expect(reader.locator("a[href$='/pick/']")).to_have_count(0)
    finally:
        for ctx in (author_ctx, mod_ctx, reader_ctx):
            ctx.close()


def test_a_member_ignores_another_and_can_still_show_a_comment_without_script(site, browser):
    rude_ctx, me_ctx = browser.new_context(), browser.new_context(java_script_enabled=False)
    try:
        rude = rude_ctx.new_page()
        sign_up(rude, site.url, unique_login("loud"), f"/articles/{SLUG}/")
        cid = _post(rude, site.url, "Something loud and rude")
        me = me_ctx.new_page()
        sign_up(me, site.url, unique_login("calm"), f"/articles/{SLUG}/")
        me.goto(f"{site.url}/articles/{SLUG}/")
        me.locator(f"#c{cid} > a.more").click()  # the comment's action page
        me.click("a[href$='/ignore/']")
        me.click("button[value=ignore]")
        me.goto(f"{site.url}/articles/{SLUG}/")
        # Collapsed to its number, which says why (generated content) and is the "show" link.
        expect(me.locator(f"#c{cid} > .c-text")).to_be_hidden()
        expect(me.locator(f"#c{cid} > header .login")).to_be_hidden()
        expect(me.locator(f"#c{cid} > header .num")).to_be_visible()
        said = me.evaluate("id => getComputedStyle(document.querySelector(`#c${id} > header .num`), '::after').content", cid)
        assert "Comment by a member you ignore" in said
        me.locator(f"#c{cid}").scroll_into_view_if_needed()
        shot(me, "curation-ignored")
        me.locator(f"#c{cid} > header .num").click()  # "show": the comment is the target
        expect(me.locator(f"#c{cid} > .c-text")).to_be_visible()
        expect(me.locator(f"#c{cid} > .c-text")).to_contain_text("Something loud and rude")
        # The author's own page is untouched.
        rude.reload()
        expect(rude.locator(f"#c{cid} > .c-text")).to_be_visible()
        expect(rude.locator(f"#c{cid} > header .login")).to_be_visible()
    finally:
        rude_ctx.close()
        me_ctx.close()


def test_previewing_a_comment_with_and_without_script(site, browser):
    js_ctx, plain_ctx = browser.new_context(), browser.new_context(java_script_enabled=False)
    try:
        page = js_ctx.new_page()
        sign_up(page, site.url, unique_login("writer"), f"/articles/{SLUG}/")
        page.goto(f"{site.url}/articles/{SLUG}/")
        page.fill("#comment-form textarea", "A **strong** claim :wink:")
        panel = page.locator("#comment-form-preview")
        expect(panel).to_be_visible()
        expect(panel.locator("strong")).to_have_text("strong")
        shot(page, "curation-preview-live")
        expect(page.locator("li.comment.mine")).to_have_count(0)  # nothing posted
        plain = plain_ctx.new_page()
        sign_up(plain, site.url, unique_login("plain"), f"/articles/{SLUG}/")
        plain.goto(f"{site.url}/articles/{SLUG}/")
        plain.fill("#comment-form textarea", "Plain *emphasis* here")
        plain.click("#comment-form button[value='1']")
        expect(plain.locator("section.preview em")).to_have_text("emphasis")
        expect(plain.locator("textarea[name=body]")).to_have_value("Plain *emphasis* here")
        shot(plain, "curation-preview-plain")
    finally:
        js_ctx.close()
        plain_ctx.close()


def test_a_readers_open_page_follows_a_pick_and_an_unpick_live(site, browser):
    author_ctx, mod_ctx, reader_ctx = (browser.new_context() for _ in range(3))
    try:
        author = author_ctx.new_page()
        sign_up(author, site.url, unique_login("writer"), f"/articles/{SLUG}/")
        cid = _post(author, site.url, "A point the editors will pick while you read")
        reader = reader_ctx.new_page()  # a visitor with the page open, listening
        reader.goto(f"{site.url}/articles/{SLUG}/")
        expect(reader.locator("#comments")).to_have_attribute("data-live", "1")
        expect(reader.locator(f"#picks a[href='#c{cid}']")).to_have_count(0)
        mod = mod_ctx.new_page()
        mod_login = unique_login("mod")
        sign_up(mod, site.url, mod_login)
        make_moderator(site, mod_login)
        mod.goto(f"{site.url}/comments/{cid}/pick/")
        mod.click("button[value=pick]")
        expect(reader.locator(f"#picks a[href='#c{cid}']")).to_be_visible()  # no reload
        expect(reader.locator("#picks")).to_contain_text("A point the editors will pick while you read")
        expect(reader.locator(f"#c{cid} .pick-mark")).to_be_visible()
        reader.locator("#picks").scroll_into_view_if_needed()
        shot(reader, "curation-pick-live")
        mod.goto(f"{site.url}/comments/{cid}/pick/")
        mod.click("button[value=unpick]")
        expect(reader.locator(f"#picks a[href='#c{cid}']")).to_have_count(0)
        expect(reader.locator(f"#c{cid} .pick-mark")).to_have_count(0)
    finally:
        for ctx in (author_ctx, mod_ctx, reader_ctx):
            ctx.close()
