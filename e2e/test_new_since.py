"""New since your last visit, in a browser: a returning member's page marks the comments
added since, and the link steps from one new comment to the next."""

import subprocess
import time

from e2e.conftest import SEED_SLUG, shot, sign_up, unique_login
from e2e.server import ROOT, VECHE

SLUG = SEED_SLUG  # the seed's long discussion


def as_if_away(env: dict, login: str, seen_id: int) -> None:
    """Rewind the member's reading of the article to `seen_id`, two hours ago."""
    code = (
        "from datetime import timedelta; from django.utils import timezone; "
        "from accounts.models import Member; from visits.models import Visit; "
        f"m = Member.objects.get(login={login!r}); "
        f"n = Visit.objects.filter(member=m, article__slug={SLUG!r}).update(seen_id={seen_id}, "
        f"baseline_id={seen_id}, at=timezone.now() - timedelta(hours=2)); print(n)"
    )
    out = subprocess.run([*VECHE, "shell", "-c", code], env=env, cwd=ROOT, check=True, capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "1"


def test_a_returning_member_sees_what_is_new_and_steps_through_it(site, page):
    login = unique_login("returning")
    sign_up(page, site.url, login)
    page.goto(f"{site.url}/articles/{SLUG}/")
    assert page.locator("#next-new").count() == 0  # a first visit marks nothing
    shown = sorted(page.eval_on_selector_all("li.comment:not(.gone)", "els => els.map(e => +e.id.slice(1))"))
    new = shown[-2:]  # the two newest on the page are new to them
    time.sleep(4)  # the server writes readings with the page views, every 3 s
    as_if_away(site.env, login, shown[-3])
    page.goto(f"{site.url}/articles/{SLUG}/")
    link = page.locator("#next-new")
    assert "2 new comments since your last visit" in link.inner_text()
    in_order = [int(i) for i in link.get_attribute("data-new").split(",")]
    assert sorted(in_order) == sorted(new)
    # Marked by the style block, so without the script too: the "new" label after the time.
    label = page.evaluate("id => getComputedStyle(document.querySelector(`#c${id} > header`), '::after')"
                          ".content", in_order[0])
    assert label == '"new"'
    shot(page, "new-since-last-visit")
    link.click()
    page.wait_for_function("id => location.hash === '#c' + id", arg=in_order[0])
    link.click()
    page.wait_for_function("id => location.hash === '#c' + id", arg=in_order[1])
    assert page.locator("#next-new").inner_text() == "Next new comment"


def test_the_front_page_counts_what_is_new_beside_a_followed_discussion(site, page, browser):
    """A member follows the newest article's discussion and reads it; another member comments
    there; back on the front page the first member sees "1 new" beside it, and the link leads
    to the comment. Nobody else's front page shows it."""
    login = unique_login("follower")
    sign_up(page, site.url, login)
    page.goto(f"{site.url}/")
    first_card = page.locator(".cards article.card").first
    href = first_card.locator("h2 a").get_attribute("href")
    page.goto(site.url + href)
    page.click("form.follow-form button:has-text('Follow this discussion')")
    page.wait_for_load_state()
    time.sleep(4)  # the server writes readings with the page views, every 3 s
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        writer = other.new_page()
        sign_up(writer, site.url, unique_login("writer"), href)
        writer.goto(site.url + href)
        writer.fill("#comment-form textarea", "Something new for the follower")
        writer.click("#comment-form button[type=submit]")
        mine = writer.locator("li.comment.mine").filter(has_text="Something new for the follower")
        mine.wait_for()
        new_id = mine.get_attribute("id")
        writer.goto(f"{site.url}/")
        assert writer.locator("a.new-comments").count() == 0  # their own comment: nothing new to them
    finally:
        other.close()
    page.goto(f"{site.url}/")
    link = page.locator(f'.cards article.card:has(h2 a[href="{href}"]) a.new-comments')
    assert link.inner_text() == "1 new"
    shot(page, "front-new-since-last-visit")
    link.click()
    page.wait_for_url(f"**{href}#{new_id}")
    assert page.locator(f"#{new_id}").is_visible()
