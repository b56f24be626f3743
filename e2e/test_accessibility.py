"""axe-core finds no serious or critical violation on the main pages; the keyboard alone suffices."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import SEED_SLUG, sign_up, unique_login


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", f"/articles/{SEED_SLUG}/", "/signup/", "/signin/", "/members/Bakht/"])
def test_no_serious_violations(site, browser, path, scheme):
    ctx = browser.new_context(color_scheme=scheme)
    page = ctx.new_page()
    try:
        page.goto(site.url + path)
        assert serious(page) == []
    finally:
        ctx.close()


def test_signed_in_article_page_has_no_serious_violations(site, page):
    sign_up(page, site.url, unique_login("axe"), f"/articles/{SEED_SLUG}/")
    page.goto(f"{site.url}/articles/{SEED_SLUG}/")
    assert serious(page) == []


def test_keyboard_alone_replies_and_votes(site, page):
    sign_up(page, site.url, unique_login("keys"), f"/articles/{SEED_SLUG}/")
    page.goto(f"{site.url}/articles/{SEED_SLUG}/")
    first = page.locator("#thread > li.comment").first
    reply_link = first.locator(":scope > .c a[data-act=reply]")
    # Tab from the page start until the reply link of the first comment has focus.
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        if reply_link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the reply link cannot be reached with Tab")
    page.keyboard.press("Enter")
    form = page.locator("form.inline-form")
    expect(form.locator("textarea")).to_be_focused()
    page.keyboard.type("Typed with the keyboard only")
    page.keyboard.press("Tab")  # to Publish
    page.keyboard.press("Enter")
    expect(first.locator(".c-text").filter(has_text="Typed with the keyboard only")).to_have_count(1)
    # The plus button is a real button: focus it and press Space.
    plus = first.locator(":scope > .c .plus")
    plus.focus()
    page.keyboard.press("Space")
    expect(plus).to_have_attribute("aria-pressed", "true")
    # The collapse control works from the keyboard too.
    collapse = first.locator(":scope > .c .collapse")
    collapse.focus()
    page.keyboard.press("Enter")
    expect(collapse).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(re.compile(SEED_SLUG))
