"""The editors' insight page in the browser: its pictures (data: SVG images) display under the
site's Content-Security-Policy, at desktop and phone widths, and a member is refused."""

import subprocess
import sys

from e2e.conftest import SEED_SLUG, shot, sign_up, unique_login
from e2e.server import ROOT


def make_editor(site, login: str) -> None:
    code = ("from accounts.models import Member; from django.contrib.auth.models import Group; "
            f"Member.objects.get(login={login!r}).groups.add(Group.objects.get(name='Editors'))")
    subprocess.run([sys.executable, "-m", "config.cli", "shell", "-c", code], env=dict(site.env), cwd=ROOT,
                   check=True, capture_output=True, timeout=60)


def test_the_insight_pages_show_their_pictures(site, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(20_000)
    try:
        page = ctx.new_page()
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        login = unique_login("editor")
        sign_up(page, site.url, login)
        r = page.goto(f"{site.url}/insight/articles/{SEED_SLUG}/")
        assert r.status == 403  # a member, not yet an editor
        make_editor(site, login)
        # The seed's discussion is older than the site page's thirty days: its page has fewer pictures.
        for path, name, least in ((f"/insight/articles/{SEED_SLUG}/", "insight-article", 6),
                                  ("/insight/", "insight-site", 1)):
            r = page.goto(site.url + path)
            assert r.status == 200
            images = page.locator("figure.insight-figure img")
            assert images.count() >= least
            for i in range(images.count()):
                img = images.nth(i)
                img.scroll_into_view_if_needed()
                page.wait_for_function("img => img.complete", arg=img.element_handle())
                assert img.evaluate("img => img.naturalWidth") > 0, f"{name}: picture {i} did not display"
            assert page.locator("table.insight-table").count() >= images.count()
            shot(page, f"{name}-desktop")
            page.set_viewport_size({"width": 390, "height": 844})
            shot(page, f"{name}-phone")
            # Nothing wider than the phone's screen: the pictures shrink to it.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            page.set_viewport_size({"width": 1280, "height": 900})
        assert refused == []
    finally:
        ctx.close()
