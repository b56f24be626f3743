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
