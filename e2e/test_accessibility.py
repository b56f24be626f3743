"""axe-core finds no serious or critical violation on the main pages; the keyboard alone suffices."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import SEED_SLUG, shot, sign_up, unique_login

PHONE = {"width": 390, "height": 844}
# axe leaves target-size (WCAG 2.5.8: 24 × 24 CSS px, or spaced as much) off by default.
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}}


# Comments away from the screen are not laid out (content-visibility: auto): axe would measure
# their controls as the browser's placeholder boxes, not as a reader who scrolls to them meets
# them. Every comment is laid out for axe; the reader's page is unchanged.
LAID_OUT = """() => document.querySelectorAll(".thread .comment")
  .forEach((c) => c.style.setProperty("content-visibility", "visible"))"""


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(LAID_OUT)
    results = Axe().run(page, options=AXE_OPTIONS)
    assert "target-size" in {r["id"] for kind in ("passes", "violations", "incomplete", "inapplicable")
                             for r in results.response[kind]}, "axe did not run target-size"
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", f"/articles/{SEED_SLUG}/", "/signup/", "/signin/", "/members/Bakht/",
                                  "/search/?q=town+or+comment"])
def test_no_serious_violations(site, browser, path, scheme, width):
    ctx = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 844})
    page = ctx.new_page()
    try:
        page.goto(site.url + path)
        assert serious(page) == []
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
def test_signed_in_article_page_has_no_serious_violations(site, page, width):
    page.set_viewport_size({"width": width, "height": 844})
    sign_up(page, site.url, unique_login("axe"), f"/articles/{SEED_SLUG}/")
    page.goto(f"{site.url}/articles/{SEED_SLUG}/")
    post_own_comment(page, "Mine, with its Edit and Delete")
    assert serious(page) == []


def post_own_comment(page, text: str):
    page.fill("#comment-form textarea", text)
    page.click("#comment-form button[type=submit]")
    mine = page.locator("li.comment.mine").filter(has_text=text)
    expect(mine).to_have_count(1)
    return mine


# Every control of a comment a finger presses: its actions, its votes, its collapse button.
CONTROLS = "#thread li.comment > a, #thread li.comment > button, #thread .collapse"


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_comment_controls_on_a_phone_are_44_px_targets(site, page, signed_in):
    page.set_viewport_size(PHONE)
    if signed_in:
        sign_up(page, site.url, unique_login("thumb"), f"/articles/{SEED_SLUG}/")
    page.goto(f"{site.url}/articles/{SEED_SLUG}/")
    if signed_in:
        post_own_comment(page, "Pressed with a thumb")  # its Edit and Delete are targets too
    boxes = page.eval_on_selector_all(CONTROLS, """els => els
        .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
        .map(el => { const r = el.getBoundingClientRect(), face = getComputedStyle(el, "::before");
                     return {what: el.dataset.act || (el.tagName === "A" ? el.textContent : el.className).trim(),
                             width: r.width, height: r.height,
                             face: face.content !== "none" ? parseFloat(face.height) : null}; })""")
    kinds = {b["what"] for b in boxes}
    assert {"reply", "More", "plus", "minus", "collapse"} <= kinds, kinds
    if signed_in:
        assert {"edit", "delete"} <= kinds, kinds
    small = [b for b in boxes if b["width"] < 44 or b["height"] < 44]
    assert small == [], small[:5]
    # The look stays: a vote button's framed face is the small one it was, the box is larger.
    faces = [b["face"] for b in boxes if b["what"] in ("plus", "minus")]
    assert faces and all(f is not None and f < 30 for f in faces), faces
    shot(page, "article-phone-targets")


def test_desktop_comment_controls_keep_their_size(site, page):
    page.goto(f"{site.url}/articles/{SEED_SLUG}/")
    reply = page.locator("#thread a[data-act=reply]").first.bounding_box()
    assert reply["height"] < 30  # larger targets are for phones; the desktop look is as it was


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
@pytest.mark.parametrize("path", ["/", f"/articles/{SEED_SLUG}/", "/search/?q=town", "/signin/"])
def test_content_keeps_its_distance_from_the_header(site, page, path, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(site.url + path)
    header = page.locator("header.site-head").bounding_box()
    first = page.locator("main h1").bounding_box()
    assert first["y"] - (header["y"] + header["height"]) >= 16


def test_keyboard_alone_replies_and_votes(site, page):
    sign_up(page, site.url, unique_login("keys"), f"/articles/{SEED_SLUG}/")
    page.goto(f"{site.url}/articles/{SEED_SLUG}/")
    first = page.locator("#thread > li.comment").first
    reply_link = first.locator(":scope > a[data-act=reply]")
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
    plus = first.locator(":scope > .plus")
    plus.focus()
    page.keyboard.press("Space")
    expect(plus).to_have_attribute("aria-pressed", "true")
    # The collapse control works from the keyboard too.
    collapse = first.locator(":scope > header .collapse")
    collapse.focus()
    page.keyboard.press("Enter")
    expect(collapse).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(re.compile(SEED_SLUG))
