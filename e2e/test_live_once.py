"""Each change counts once on an open page: a member's own action and its echo on the live
stream, in either order, delivered once or twice, leave the discussion's number and the comment
as a reload shows them — for every kind of event the stream sends.

The page's stream is played by the test: the server's real events are read beside it
(EventStream) and handed to the page when the test chooses, so the order of an answer and its
echo is the test's to decide, not the network's."""

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_up, unique_login
from e2e.live_helpers import EventStream, Member
from e2e.server import ROOT

SLUG = "how-the-railway-reached-the-town-in-1898"
EVENTS_URL = re.compile(rf"/articles/{SLUG}/events/$")

# Records each event once the page's own handler has run, and lets the test deliver one again.
RECORDER = """(() => {
  const Native = window.EventSource;
  const live = window.__live = { events: [], listeners: {} };
  window.EventSource = function (url, options) {
    const source = new Native(url, options);
    const add = source.addEventListener.bind(source);
    source.addEventListener = (type, handler, opts) => {
      (live.listeners[type] = live.listeners[type] || []).push(handler);
      return add(type, (e) => {
        handler(e);
        live.events.push({ type: type, id: e.lastEventId, data: e.data ? JSON.parse(e.data) : null });
      }, opts);
    };
    return source;
  };
  live.again = (type, data) => (live.listeners[type] || []).forEach((h) => h({ data: JSON.stringify(data) }));
})();"""

STATE = """(id) => {
  const el = document.getElementById("c" + id), c = el && !el.classList.contains("gone") ? el : null;
  const q = (s) => (c && c.querySelector(":scope > " + s) ? c.querySelector(":scope > " + s).textContent.trim() : null);
  const n = (s) => (q(s) === null ? null : q(s).slice(1));  // a vote button's text: "+3", "\u22121"
  return {
    count: document.querySelector(".discussion-head .count").textContent.trim(),
    copies: document.querySelectorAll("#c" + id).length,
    gone: !!(el && el.classList.contains("gone")),
    text: q(".c-text"), plus: n(".plus"), minus: n(".minus"),
    pressed: c && c.querySelector(":scope > .plus") ? c.querySelector(":scope > .plus").getAttribute("aria-pressed") === "true" : null,
  };
}"""


class Stream:
    """The page's live stream, fed by the test: each connection of the page gets the events
    handed over since the last one, then ends; the page reconnects at once (retry: 50)."""

    def __init__(self, page):
        self.queue: list[str] = []
        page.route(EVENTS_URL, self._serve)

    def _serve(self, route):
        body = "retry: 50\n\n" + "".join(self.queue)
        self.queue.clear()
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
                      body=body)

    def deliver(self, page, event: dict) -> None:
        """Hand `event` (as the server sent it) to the page and wait until the page handled it."""
        handled = "([t, id]) => window.__live.events.filter(e => e.type === t && e.id === id).length"
        before = page.evaluate(handled, [event["type"], event["id"]])
        data = {k: v for k, v in event.items() if k != "id"}
        self.queue.append(f"id: {event['id']}\nevent: {event['type']}\ndata: {json.dumps(data)}\n\n")
        page.wait_for_function(f"(a) => ({handled})(a) > {before}", arg=[event["type"], event["id"]])


class Held:
    """Answers to the page's POSTs to `url` held back until released: the echo comes first."""

    def __init__(self, page, url):
        self.page, self.url, self.held = page, url, []
        page.route(url, self._hold)

    def _hold(self, route):
        if route.request.method != "POST":
            return route.continue_()
        self.held.append((route, route.fetch()))  # the server has done it; the page waits

    def wait(self) -> None:
        self.page.wait_for_function("() => true")  # let the route's handler run
        for _ in range(100):
            if self.held:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the page sent nothing to hold")

    def release(self) -> None:
        route, response = self.held.pop(0)
        route.fulfill(response=response)
        self.page.unroute(self.url)


@pytest.fixture
def live(site, browser, page):
    """A signed-in member's article page on a stream the test plays, the server's real stream
    read beside it, and another member and a moderator acting over HTTP."""
    page.add_init_script(RECORDER)
    stream = Stream(page)
    login = unique_login("echo")
    sign_up(page, site.url, login, f"/articles/{SLUG}/")
    page.goto(f"{site.url}/articles/{SLUG}/")
    expect(page.locator("#comments")).to_have_attribute("data-live", "1")
    real = EventStream(site.url, SLUG, timeout=10)
    other = Member(browser, site.url, "other")
    mod = Member(browser, site.url, "mod")
    shell(site, "from accounts.models import Member; from django.contrib.auth.models import Group; "
                f"Member.objects.get(login={mod.login!r}).groups.add(Group.objects.get(name='Moderators'))")
    yield type("Live", (), {"page": page, "stream": stream, "real": real, "other": other, "mod": mod,
                            "site": site})
    real.close()
    other.close()
    mod.close()


def shell(site, code: str) -> None:
    subprocess.run([sys.executable, "-m", "config.cli", "shell", "-c", code], env=dict(site.env), cwd=ROOT,
                   check=True, capture_output=True, timeout=60)


def state(page, cid) -> dict:
    return page.evaluate(STATE, str(cid))


def count(page) -> int:
    return int(page.locator(".discussion-head .count").inner_text())


def echo_of(live, kind: str, cid) -> dict:
    """The server's event of `kind` for comment `cid` (others before it are handed over)."""
    while True:
        event = live.real.next_event()
        if event["type"] == kind and str(event.get("comment")) == str(cid):
            return event
        if event["type"].startswith("comment."):
            live.stream.deliver(live.page, event)


def again(live, event: dict) -> None:
    """The same event handled once more, as a stream delivering it twice would."""
    live.page.evaluate("([t, d]) => window.__live.again(t, d)",
                       [event["type"], {k: v for k, v in event.items() if k != "id"}])


def deliver_twice(live, event: dict, cid, expected: dict) -> None:
    """The event, then the same again: the page shows `expected` after both."""
    live.stream.deliver(live.page, event)
    assert state(live.page, cid) == expected, f"after {event['type']}"
    again(live, event)
    assert state(live.page, cid) == expected, f"after {event['type']} delivered again"


def as_reloaded(live, cid, expected: dict) -> None:
    live.page.reload()
    expect(live.page.locator("#comments")).to_have_attribute("data-live", "1")
    assert state(live.page, cid) == expected, "a reload shows something else"


def post(page, text: str) -> str:
    page.fill("#comment-form textarea", text)
    page.click("#comment-form button[type=submit]")


def mine(page, text: str):
    el = page.locator("li.comment.mine").filter(has_text=text)
    expect(el).to_have_count(1)
    return el.get_attribute("id")[1:]


def answered(page, cid, **want) -> dict:
    """Wait until the page shows what the member's own answer applied (up to 30 s: on a loaded
    two-core machine one answer waited past the default 10 s)."""
    page.wait_for_function(f"([id, want]) => {{ const s = ({STATE})(id);"
                           " return Object.keys(want).every(k => s[k] === want[k]); }",
                           arg=[str(cid), want], timeout=30_000)
    return state(page, cid)


# --- each kind, the answer first -------------------------------------------------------------

def test_own_comment_then_its_echo_count_once(live):
    page, before = live.page, count(live.page)
    post(page, "Counted once, echo or not")
    cid = mine(page, "Counted once, echo or not")
    after = answered(page, cid, count=str(before + 1), copies=1)
    deliver_twice(live, echo_of(live, "comment.new", cid), cid, after)
    as_reloaded(live, cid, after)


def test_deleting_own_comment_lowers_the_number_by_one(live):
    page = live.page
    post(page, "To be deleted by me")
    cid = mine(page, "To be deleted by me")
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    before = count(page)
    page.locator(f"#c{cid} > a[data-act=delete]").click()
    after = answered(page, cid, count=str(before - 1), copies=0)
    deliver_twice(live, echo_of(live, "comment.remove", cid), cid, after)
    assert count(page) == before - 1  # not two: the page's own −1 and the echo's are one change
    as_reloaded(live, cid, after)


def test_deleting_own_comment_with_a_reply_leaves_one_placeholder(live):
    page = live.page
    post(page, "Answered before I delete it")
    cid = mine(page, "Answered before I delete it")
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    reply = live.other.comment(SLUG, "A reply that keeps it in place", parent=int(cid))
    live.stream.deliver(page, echo_of(live, "comment.new", reply["id"]))
    before = count(page)
    page.locator(f"#c{cid} > a[data-act=delete]").click()
    after = answered(page, cid, count=str(before - 1), gone=True, copies=1)
    assert after["text"] is None
    deliver_twice(live, echo_of(live, "comment.remove", cid), cid, after)
    as_reloaded(live, cid, after)


def test_a_vote_and_its_echo_count_once(live):
    page = live.page
    theirs = live.other.comment(SLUG, "Worth a plus")
    live.stream.deliver(page, echo_of(live, "comment.new", theirs["id"]))
    cid, before = theirs["id"], count(page)
    page.locator(f"#c{cid} > .plus").click()
    after = answered(page, cid, plus="1", pressed=True)
    assert after["count"] == str(before)
    deliver_twice(live, echo_of(live, "comment.vote", cid), cid, after)
    as_reloaded(live, cid, after)


def test_an_edit_and_its_echo_apply_once(live):
    page = live.page
    post(page, "Before the edit")
    cid = mine(page, "Before the edit")
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    before = count(page)
    page.locator(f"#c{cid} > a[data-act=edit]").click()
    page.locator(f"#c{cid} form.edit-inline textarea").fill("After the edit")
    page.locator(f"#c{cid} form.edit-inline button").click()
    after = answered(page, cid, text="After the edit")
    assert after["count"] == str(before)
    deliver_twice(live, echo_of(live, "comment.edit", cid), cid, after)
    as_reloaded(live, cid, after)


# --- each kind, the echo first -----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["post", "delete", "vote", "edit"])
def test_an_echo_that_arrives_before_the_answer_counts_once(live, kind):
    page = live.page
    if kind in ("delete", "edit"):
        post(page, f"Mine, to {kind}")
        cid = mine(page, f"Mine, to {kind}")
        live.stream.deliver(page, echo_of(live, "comment.new", cid))
    elif kind == "vote":
        cid = live.other.comment(SLUG, "Theirs, to vote on")["id"]
        live.stream.deliver(page, echo_of(live, "comment.new", cid))
    before = count(page)
    url = {"post": re.compile(rf"/articles/{SLUG}/comments/$"), "delete": re.compile(r"/delete/$"),
           "vote": re.compile(r"/vote/$"), "edit": re.compile(r"/edit/$")}[kind]
    held = Held(page, url)
    if kind == "post":
        post(page, "Its echo comes first")
    elif kind == "delete":
        page.locator(f"#c{cid} > a[data-act=delete]").click()
    elif kind == "vote":
        page.locator(f"#c{cid} > .plus").click()
    else:
        page.locator(f"#c{cid} > a[data-act=edit]").click()
        page.locator(f"#c{cid} form.edit-inline textarea").fill("Edited, echo first")
        page.locator(f"#c{cid} form.edit-inline button").click()
    held.wait()
    if kind == "post":
        event = live.real.next_of("comment.new")
        cid = event["comment"]
    else:
        event = echo_of(live, {"delete": "comment.remove", "vote": "comment.vote", "edit": "comment.edit"}[kind], cid)
    live.stream.deliver(page, event)
    expected = {
        "post": {"count": str(before + 1), "copies": 1},
        "delete": {"count": str(before - 1), "copies": 0},
        "vote": {"count": str(before), "plus": "1"},
        "edit": {"count": str(before), "text": "Edited, echo first"},
    }[kind]
    echoed = answered(page, cid, **expected)
    held.release()
    if kind == "vote":
        expected["pressed"] = True  # the member's own mark comes with the answer
    page.wait_for_load_state("networkidle")
    after = answered(page, cid, **expected)
    assert {k: after[k] for k in echoed if k != "pressed"} == {k: echoed[k] for k in echoed if k != "pressed"}
    as_reloaded(live, cid, after)


# --- the member's later change is not undone by an earlier change's echo ----------------------

def test_echoes_of_a_comment_posted_then_deleted_do_not_bring_it_back(live):
    page, before = live.page, count(live.page)
    post(page, "Here and gone before any echo")
    cid = mine(page, "Here and gone before any echo")
    page.locator(f"#c{cid} > a[data-act=delete]").click()
    after = answered(page, cid, count=str(before), copies=0)
    new, removed = echo_of(live, "comment.new", cid), echo_of(live, "comment.remove", cid)
    live.stream.deliver(page, new)
    assert state(page, cid) == after  # not back, not counted again
    live.stream.deliver(page, removed)
    assert state(page, cid) == after
    as_reloaded(live, cid, after)


def test_echoes_of_two_votes_leave_the_last(live):
    page = live.page
    cid = live.other.comment(SLUG, "Voted, then voted back")["id"]
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    page.locator(f"#c{cid} > .plus").click()
    answered(page, cid, plus="1", pressed=True)
    page.locator(f"#c{cid} > .plus").click()  # taken back
    after = answered(page, cid, plus="0", pressed=False)
    first, second = echo_of(live, "comment.vote", cid), echo_of(live, "comment.vote", cid)
    live.stream.deliver(page, first)
    assert state(page, cid) == after  # the first vote's echo does not bring back its +1
    live.stream.deliver(page, second)
    assert state(page, cid) == after
    as_reloaded(live, cid, after)


def test_echoes_of_two_edits_leave_the_last(live):
    page = live.page
    post(page, "Edited twice")
    cid = mine(page, "Edited twice")
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    for text in ("First correction", "Second correction"):
        page.locator(f"#c{cid} > a[data-act=edit]").click()
        page.locator(f"#c{cid} form.edit-inline textarea").fill(text)
        page.locator(f"#c{cid} form.edit-inline button").click()
        after = answered(page, cid, text=text)
    first, second = echo_of(live, "comment.edit", cid), echo_of(live, "comment.edit", cid)
    live.stream.deliver(page, first)
    assert state(page, cid) == after
    live.stream.deliver(page, second)
    assert state(page, cid) == after
    as_reloaded(live, cid, after)


# --- others' changes: each counted once however often delivered ------------------------------

def test_a_moderator_hiding_and_restoring_a_comment_moves_the_number_once_each(live):
    page = live.page
    cid = live.other.comment(SLUG, "Hidden, then restored")["id"]
    before = count(page)
    new = echo_of(live, "comment.new", cid)
    live.stream.deliver(page, new)
    shown = answered(page, cid, count=str(before + 1), copies=1)
    again(live, new)
    assert state(page, cid) == shown
    status, _ = live.mod.post(f"/moderation/comments/{cid}/", action="hide", reason="other")
    assert status == 200
    # A removed comment keeps its place as a placeholder saying so.
    hidden = {**shown, "count": str(before), "copies": 1, "gone": True, "text": None, "plus": None,
              "minus": None, "pressed": None}
    deliver_twice(live, echo_of(live, "comment.remove", cid), cid, hidden)
    as_reloaded(live, cid, hidden)
    status, _ = live.mod.post(f"/moderation/comments/{cid}/", action="restore")
    assert status == 200
    restored = echo_of(live, "comment.new", cid)
    live.stream.deliver(page, restored)
    after = answered(page, cid, count=str(before + 1), copies=1, text="Hidden, then restored")
    again(live, restored)
    assert state(page, cid) == after
    as_reloaded(live, cid, after)


def test_a_hidden_comment_with_replies_comes_back_in_place_and_counted_once(live):
    page = live.page
    cid = live.other.comment(SLUG, "Hidden with a reply below")["id"]
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    reply = live.mod.comment(SLUG, "The reply below", parent=cid)
    live.stream.deliver(page, echo_of(live, "comment.new", reply["id"]))
    before = count(page)
    assert live.mod.post(f"/moderation/comments/{cid}/", action="hide", reason="other")[0] == 200
    hidden = answered_after(live, "comment.remove", cid, count=str(before - 1), gone=True, copies=1)
    as_reloaded(live, cid, hidden)
    assert live.mod.post(f"/moderation/comments/{cid}/", action="restore")[0] == 200
    after = answered_after(live, "comment.new", cid, count=str(before), gone=False, copies=1,
                           text="Hidden with a reply below")
    as_reloaded(live, cid, after)


def answered_after(live, kind: str, cid, **want) -> dict:
    """The server's event delivered twice; the page shows `want` after each."""
    event = echo_of(live, kind, cid)
    live.stream.deliver(live.page, event)
    shown = answered(live.page, cid, **want)
    again(live, event)
    assert state(live.page, cid) == shown
    return shown


def test_others_votes_and_a_moderators_edit_apply_once(live):
    page = live.page
    cid = live.other.comment(SLUG, "Theirs, voted on and edited")["id"]
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    before = count(page)
    assert live.mod.post(f"/comments/{cid}/vote/", value=-1, mode="set")[0] == 200
    voted = answered_after(live, "comment.vote", cid, minus="1", count=str(before))
    status, _ = live.mod.post(f"/moderation/comments/{cid}/", action="edit", body="Edited by a moderator",
                              note="spelling")
    assert status == 200
    edited = answered_after(live, "comment.edit", cid, text="Edited by a moderator", minus="1",
                            count=str(before))
    assert voted["count"] == edited["count"]
    as_reloaded(live, cid, edited)


def test_presence_and_resync_delivered_twice_change_nothing_more(live):
    page = live.page
    post(page, "Mine, before a resync")
    cid = mine(page, "Mine, before a resync")
    after = answered(page, cid, copies=1)
    presence = {"type": "presence", "article": None, "member": int(page.locator(f"#c{cid}").get_attribute("data-author")),
                "online": True, "until": 4102444800, "id": "presence-1"}
    deliver_twice(live, presence, cid, after)
    expect(page.locator(f"#c{cid} .presence")).to_have_text("Online")
    resync = {"type": "resync", "article": None, "id": "resync-1"}
    live.stream.deliver(page, resync)
    again(live, resync)
    page.wait_for_load_state("networkidle")
    assert state(page, cid) == after
    # The post's echo after the thread was reloaded: the comment is there, counted once.
    live.stream.deliver(page, echo_of(live, "comment.new", cid))
    assert state(page, cid) == after
    page.locator(f"#c{cid} > a[data-act=delete]").click()
    deleted = answered(page, cid, count=str(int(after["count"]) - 1), copies=0)
    live.stream.deliver(page, resync)  # the thread reloaded between the delete and its echo
    page.wait_for_load_state("networkidle")
    assert state(page, cid) == deleted
    live.stream.deliver(page, echo_of(live, "comment.remove", cid))
    assert state(page, cid) == deleted
    as_reloaded(live, cid, deleted)


def test_a_held_comment_is_not_counted_until_approved_then_once(live):
    page = live.page
    premoderated = "from newsroom.models import Article; Article.objects.filter(slug={!r}).update(premoderated={})"
    shell(live.site, premoderated.format(SLUG, True))
    try:
        before = count(page)
        post(page, "Waiting for a moderator")
        cid = mine(page, "Waiting for a moderator")
        held = answered(page, cid, copies=1)
        assert held["count"] == str(before)  # only its author sees it, and it counts for no one yet
        expect(page.locator(f"#c{cid} .held-mark")).to_have_count(1)
        assert live.mod.post(f"/moderation/comments/{cid}/", action="approve")[0] == 200
        after = answered_after(live, "comment.new", cid, count=str(before + 1), copies=1,
                               text="Waiting for a moderator")
        expect(page.locator(f"#c{cid} .held-mark")).to_have_count(0)
        as_reloaded(live, cid, after)
    finally:
        shell(live.site, premoderated.format(SLUG, False))
