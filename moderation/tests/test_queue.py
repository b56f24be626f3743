"""What the moderation queue lists — comments with open reports, held comments, brigade cases —
and nothing else; what its forms need before they act; where they send the moderator after."""

import re

import pytest
from django.test.utils import CaptureQueriesContext

from discussion import actions as discussion_actions
from discussion.models import Comment
from moderation import actions
from moderation.models import LogEntry, Report


def queued_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'<li class="queue-item" id="q(\d+)"', html)}


@pytest.fixture
def statuses(alice, bob, moderator, make_member, article, post):
    """One comment of each kind the queue must tell apart."""
    c = {
        "unreported": post(alice, article, "never reported"),
        "reported": post(alice, article, "reported and open"),
        "resolved": post(alice, article, "reported, then approved"),
        "removed": post(alice, article, "reported, then hidden"),
        "deleted": post(alice, article, "deleted by its author"),
        "reply_to_reported": None,
        "held": discussion_actions.do_post(
            bob, article, discussion_actions.check_import(article, "held for moderation", None, Comment.Status.HELD)),
    }
    c["reply_to_reported"] = post(bob, article, "a reply to a reported one", parent=c["reported"])
    reporter = make_member("reporter")
    for key in ("reported", "resolved", "removed"):
        actions.report(reporter, c[key], "spam")
    actions.approve(moderator, c["resolved"])
    actions.hide(moderator, c["removed"], "spam")
    discussion_actions.delete_comment(alice, c["deleted"])
    return c


def test_the_queue_lists_only_open_reports_and_held_comments(client, moderator, statuses):
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    shown = queued_ids(html)
    assert shown == {statuses["reported"].pk, statuses["held"].pk}
    for absent in ("unreported", "resolved", "removed", "deleted", "reply_to_reported"):
        assert statuses[absent].pk not in shown, absent
    assert "never reported" not in html and "reported, then approved" not in html
    assert "1 comment with open reports · 1 held for moderation" in html


def test_the_counts_follow_decisions(client, moderator, statuses):
    client.force_login(moderator)
    actions.approve(moderator, statuses["held"])
    actions.approve(moderator, statuses["reported"])
    html = client.get("/moderation/").content.decode()
    assert queued_ids(html) == set()
    assert "0 comments with open reports · 0 held for moderation" in html
    assert "Nothing waits for a decision." in html


def test_the_queue_reads_a_fixed_number_of_queries(client, moderator, make_member, alice, article, post):
    from django.db import connection

    client.force_login(moderator)
    client.get("/moderation/")  # the session and permissions, loaded once
    reporters = [make_member(f"r{i}") for i in range(3)]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/moderation/").status_code == 200
        return len(ctx.captured_queries)

    for r in reporters:
        actions.report(r, post(alice, article, f"by {r.login}"), "insult")
    few = count()
    for i in range(5):
        c = post(alice, article, f"more {i}")
        for r in reporters:
            actions.report(r, c, "spam")
    assert count() == few


def test_hide_without_a_reason_changes_nothing_and_says_why(client, moderator, alice, bob, article, post):
    c = post(alice, article, "borderline")
    actions.report(bob, c, "insult")
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    # Every reason list starts empty: no reason is chosen for the moderator.
    assert html.count('<option value="">Choose a reason</option>') == 2  # the item's and the bulk form's
    assert '<option value="spam" selected' not in html
    for data in ({"action": "hide"}, {"action": "hide", "reason": ""}, {"action": "delete", "reason": "boring"}):
        r = client.post(f"/moderation/comments/{c.pk}/", data, follow=True)
        assert "Choose a reason for" in r.content.decode(), data
        r = client.post(f"/moderation/comments/{c.pk}/", data, HTTP_ACCEPT="application/json")
        assert r.status_code == 400 and r.json()["field"] == "reason"
    c.refresh_from_db()
    assert c.status == "visible" and c.moderation_reason == "" and c.body == "borderline"
    assert Report.objects.get(comment=c).resolved is None and not LogEntry.objects.exists()

    r = client.post("/moderation/bulk/", {"ids": [c.pk], "action": "hide"}, follow=True)
    assert "Choose a reason for hiding" in r.content.decode()
    c.refresh_from_db()
    assert c.status == "visible" and not LogEntry.objects.exists()

    client.post(f"/moderation/comments/{c.pk}/", {"action": "hide", "reason": "insult"})
    c.refresh_from_db()
    assert c.status == "removed" and c.moderation_reason == "Insult"
    # Actions that tell the author nothing need no reason.
    client.post(f"/moderation/comments/{c.pk}/", {"action": "restore"})
    c.refresh_from_db()
    assert c.status == "visible"


def test_the_bulk_form_selects_are_as_wide_as_their_words(client, moderator, alice, bob, article, post):
    from pathlib import Path

    actions.report(bob, post(alice, article, "x"), "spam")
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    bulk = html[html.index('<form method="post" action="/moderation/bulk/"'):]
    assert bulk[:bulk.index("</form>")].count('class="mod-actions"') == 1
    css = (Path(__file__).resolve().parents[2] / "config/static/veche/site.css").read_text()
    assert re.search(r"\.mod-actions select \{[^}]*width: auto", css)


@pytest.mark.parametrize("target", ["https://elsewhere/", "//elsewhere", "/\\elsewhere", "javascript:alert(1)",
                                    "http:elsewhere", "/\t/elsewhere", "https://testserver/moderation/"])
def test_moderation_forms_follow_only_paths_on_this_site(client, moderator, alice, article, post, target):
    c = post(alice, article, "x")
    client.force_login(moderator)
    r = client.post(f"/moderation/comments/{c.pk}/", {"action": "approve", "next": target})
    assert r.status_code == 302 and r["Location"] == "/moderation/"
    r = client.post(f"/moderation/comments/{c.pk}/", {"action": "approve", "next": f"/moderation/#q{c.pk}"})
    assert r["Location"] == f"/moderation/#q{c.pk}"


def test_open_reports_are_read_through_their_partial_index(db):
    """On a large site nearly every report is resolved: the queue must not read them all.
    (PostgreSQL prefers a table scan on a test's few rows, so it is told not to.)"""
    from django.db import connection, transaction

    qs = Report.objects.filter(resolved=None).select_related("reporter").order_by("id")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "moderation_report_open" in plan, plan
