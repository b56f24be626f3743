"""Moderation in the browser: a report handled from the queue, a ban seen, a held comment approved."""

import re
import subprocess
import sys

from playwright.sync_api import expect

from e2e.conftest import shot, sign_up, unique_login
from e2e.server import ROOT

SLUG = "the-old-bridge-at-kamenka-will-close-for-a-year-of-repairs"


def make_moderator(site, login: str) -> None:
    code = ("from accounts.models import Member; from django.contrib.auth.models import Group; "
            f"Member.objects.get(login={login!r}).groups.add(Group.objects.get(name='Moderators'))")
    env = dict(site.env)
    subprocess.run([sys.executable, "-m", "config.cli", "shell", "-c", code], env=env, cwd=ROOT,
                   check=True, capture_output=True, timeout=60)


def test_a_report_is_handled_from_the_queue_and_a_ban_is_seen(site, browser):
    reporter_ctx, mod_ctx, author_ctx = (browser.new_context() for _ in range(3))
    try:
        author = author_ctx.new_page()
        author_login = unique_login("rude")
        sign_up(author, site.url, author_login, f"/articles/{SLUG}/")
        author.goto(f"{site.url}/articles/{SLUG}/")
        author.fill("#comment-form textarea", "You are all fools")
        author.click("#comment-form button[type=submit]")
        rude = author.locator("li.comment.mine")
        expect(rude).to_have_count(1)
        cid = rude.get_attribute("id")[1:]

        reporter = reporter_ctx.new_page()
        sign_up(reporter, site.url, unique_login("reporter"), f"/articles/{SLUG}/")
        reporter.goto(f"{site.url}/articles/{SLUG}/#c{cid}")
        reporter.locator(f"#c{cid} > a.more").click()  # the comment's action page
        reporter.click(f"a[href='/comments/{cid}/report/']")
        reporter.check("input[value=insult]")
        reporter.click("button:has-text('Send the report')")
        expect(reporter.locator(".messages")).to_contain_text("the moderators will look")

        mod = mod_ctx.new_page()
        mod_login = unique_login("mod")
        sign_up(mod, site.url, mod_login)
        make_moderator(site, mod_login)
        mod.goto(f"{site.url}/moderation/")
        item = mod.locator(f"#q{cid}")
        expect(item).to_contain_text("You are all fools")
        expect(item).to_contain_text("Insult by")
        shot(mod, "moderation-queue")
        # The bulk form's selects are as wide as their words, on one row with its button.
        row = mod.locator("#bulk p.mod-actions").bounding_box()
        for select in ("select[name=action]", "select[name=reason]"):
            assert mod.locator(f"#bulk {select}").bounding_box()["width"] < row["width"] / 3, select
        actions_form = item.locator("form.mod-actions")
        # Hide without a reason: refused, nothing told to the author.
        actions_form.locator("button[value=hide]").click()
        expect(mod.locator(".messages")).to_contain_text("Choose a reason for hiding")
        expect(mod.locator(f"#q{cid}")).to_have_count(1)
        actions_form = mod.locator(f"#q{cid} form.mod-actions")
        actions_form.locator("select[name=reason]").select_option("insult")
        actions_form.locator("input[name=note]").fill("no name-calling")
        actions_form.locator("button[value=hide]").click()
        expect(mod.locator(f"#q{cid}")).to_have_count(0)

        author.goto(f"{site.url}/articles/{SLUG}/")
        expect(author.locator(f"#c{cid}")).to_contain_text("Comment removed by a moderator.")
        expect(author.locator(f"#c{cid}")).to_contain_text("Reason: Insult: no name-calling")
        expect(author.locator(".mod-summary")).to_contain_text("insult")

        # The moderator bans the author for three days; the author sees why and until when.
        mod.goto(f"{site.url}/moderation/log/")
        expect(mod.locator("table")).to_contain_text("no name-calling")
        mod.goto(f"{site.url}/moderation/")
        author_id = author.evaluate("document.getElementById('comments').dataset.me")
        mod.goto(f"{site.url}/moderation/members/{author_id}/ban/")
        mod.fill("#days", "3")
        mod.fill("#reason", "insulting other readers")
        mod.click("button:has-text('Ban')")
        author.goto(f"{site.url}/articles/{SLUG}/")
        expect(author.locator(".ban-notice")).to_contain_text(
            re.compile(r"banned from commenting until \d+ \w+ \d{4} \d\d:\d\d\. Reason: insulting other readers"))
        author.fill("#comment-form textarea", "Trying anyway")
        author.click("#comment-form button[type=submit]")
        expect(author.locator("#comment-form .form-error")).to_contain_text("You are banned")
    finally:
        for ctx in (reporter_ctx, mod_ctx, author_ctx):
            ctx.close()


def test_a_held_comment_is_approved_and_appears_live(site, browser):
    code = f"from newsroom.models import Article; Article.objects.filter(slug={SLUG!r}).update(premoderated=True)"
    subprocess.run([sys.executable, "-m", "config.cli", "shell", "-c", code], env=site.env, cwd=ROOT,
                   check=True, capture_output=True, timeout=60)
    writer_ctx, reader_ctx, mod_ctx = (browser.new_context() for _ in range(3))
    try:
        writer = writer_ctx.new_page()
        sign_up(writer, site.url, unique_login("held"), f"/articles/{SLUG}/")
        writer.goto(f"{site.url}/articles/{SLUG}/")
        writer.fill("#comment-form textarea", "Please let me in")
        writer.click("#comment-form button[type=submit]")
        mine = writer.locator("li.comment.held")
        expect(mine).to_contain_text("awaiting moderation")
        cid = mine.get_attribute("id")[1:]

        reader = reader_ctx.new_page()
        reader.goto(f"{site.url}/articles/{SLUG}/")
        expect(reader.locator("#comments")).to_have_attribute("data-live", "1")
        expect(reader.locator(f"#c{cid}")).to_have_count(0)

        mod = mod_ctx.new_page()
        login = unique_login("mod2")
        sign_up(mod, site.url, login)
        make_moderator(site, login)
        mod.goto(f"{site.url}/moderation/")
        mod.locator(f"#q{cid} button[value=approve]").click()
        expect(reader.locator(f"#c{cid}")).to_contain_text("Please let me in")
    finally:
        code = f"from newsroom.models import Article; Article.objects.filter(slug={SLUG!r}).update(premoderated=False)"
        subprocess.run([sys.executable, "-m", "config.cli", "shell", "-c", code], env=site.env, cwd=ROOT,
                       check=True, capture_output=True, timeout=60)
        for ctx in (writer_ctx, reader_ctx, mod_ctx):
            ctx.close()
