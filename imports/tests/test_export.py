"""Veche's export: the format, the round trip through an empty site, and one member's data."""

import io
import json
import os
import re
import tempfile

import pytest
from django.core.management import call_command

from accounts.actions import do_delete_account
from accounts.models import Member
from core.markup import article_paragraphs
from discussion import actions
from discussion.models import Comment, Quote, Vote
from imports import disqus, export, rows, veche
from imports.errors import ImportFormatError
from imports.tests.helpers import corpus, flatten
from moderation.models import BrigadeCase
from newsroom.models import Article, Author, Section, Tag

Status = Comment.Status
PASSWORD = "correct horse battery"


@pytest.fixture
def site(db, make_member, make_article, post):
    alice = make_member("alice", real_name="Alice Liddell", about="Reads everything.", language="ru",
                        profile_indexable=True)
    bob, carol, dave, eve = (make_member(n) for n in ("bob", "Кэрол", "dave", "eve"))
    author = Author.objects.create(name="Anna V", slug="anna-v", bio="Writes.", member=alice)
    bridge = make_article(title="The bridge", author=author, views=12,
                          body="The first paragraph of the bridge.\n\nThe second paragraph, long enough to quote.")
    bridge.tags.add(Tag.objects.create(name="Rivers", slug="rivers"), Tag.objects.create(name="Roads", slug="roads"))
    premod = make_article(title="Premoderated", section="Opinions", premoderated=True, comments_close_after_days=0)
    c1 = post(alice, bridge, "Root comment with *emphasis* and a [link](https://example.org).")
    c2 = post(bob, bridge, f"> [quote=c{c1.pk}]\n> Root comment with\n\nA reply that quotes.", parent=c1)
    c3 = post(carol, bridge, "Deeper reply :smile:", parent=c2)
    anchor = article_paragraphs(bridge.body_html)[1][0]
    c4 = post(dave, bridge, f"> [quote={anchor}]\n> The second paragraph\n\nOn the article.")
    c5 = post(bob, bridge, "To be deleted.", parent=c4)
    post(alice, bridge, "A reply to the deleted one.", parent=c5)
    actions.delete_comment(bob, c5)
    c7 = post(carol, bridge, "Spam spam spam.")
    for voter, value in ((bob, 1), (carol, 1), (dave, -1)):
        actions.vote(voter, c1, value)
    actions.vote(alice, c2, 1)
    actions.vote(alice, c7, 1)
    actions.vote(bob, c7, -1)
    actions.do_set_status(c7, Status.REMOVED, "spam")
    quarantined = Vote.objects.create(comment=c3, voter=alice, value=-1, counted=False)  # a brigade's
    BrigadeCase.objects.create(kind="one-member-against-author", summary="alice against carol", target=carol,
                               evidence={"voter": "alice"}).votes.add(quarantined)
    actions.edit_comment(carol, c3, "Deeper reply, edited :smile:")
    assert post(alice, premod, "Held for moderation.").status == Status.HELD
    post(eve, bridge, "Eve was here, then left.")
    do_delete_account(eve)
    disqus.load(corpus("isso/disqus.xml"))  # imported members, placeholders and source keys
    return {"bridge": bridge, "premod": premod, "alice": alice}


def _export(with_secrets=False) -> str:
    out = io.StringIO()
    export.write_export(out, with_secrets=with_secrets)
    return out.getvalue()


def _flush() -> None:
    for model in reversed(rows.moderation_models()):
        model._default_manager.all().delete()
    Quote.objects.all().delete()
    Vote.objects.all().delete()
    Comment.objects.update(parent=None)  # no cascade through a deep chain of replies
    Comment.objects.all().delete()
    Article.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    Section.objects.all().delete()
    Member.objects.all().delete()


def _discussions(client) -> dict[str, list]:
    """Every published article's discussion from the API, with ids replaced by numbers."""
    out = {}
    for slug in Article.objects.published().order_by("slug").values_list("slug", flat=True):
        data = client.get(f"/api/v1/articles/{slug}/comments/").json()
        flat = flatten(data["comments"])
        number = {c["id"]: c["number"] for c in flat}

        def renumber(m: re.Match, number=number) -> str:
            return f"#c{number.get(int(m.group(1)), '?')}"

        for c in flat:
            c["id"] = c["number"]
            c["parent"] = number.get(c["parent"], c["parent"])
            c["body_html"] = re.sub(r"#c(\d+)", renumber, c["body_html"])
            c.pop("children")
        out[slug] = [data["count"], flat]
    return out


def test_records_and_references(site):
    lines = _export().splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["type"] == "veche-export" and records[0]["version"] == 1
    kinds = [r["type"] for r in records]
    # Sections, tags, members and authors come before the articles that name them.
    assert kinds.index("member") > kinds.index("tag") and kinds.index("author") > kinds.index("member")
    assert kinds.index("article") > kinds.index("author")
    assert not any("password" in r for r in records)
    bridge = next(r for r in records if r["type"] == "article" and r["slug"] == site["bridge"].slug)
    assert bridge["tags"] == ["rivers", "roads"] and bridge["author"] == "anna-v" and bridge["views"] == 12
    comments = [r for r in records if r["type"] == "comment"]
    assert all("id" not in r and r["key"] for r in comments)
    reply = next(r for r in comments if r["body"].startswith("> [quote=key:"))
    root = next(r for r in comments if r["key"] == reply["parent"])
    assert reply["body"].startswith(f"> [quote=key:{root['key']}]")
    assert root["plus"] == 2 and root["minus"] == 1
    votes = [r for r in records if r["type"] == "vote"]
    assert {(v["voter"], v["counted"]) for v in votes if not v["counted"]} == {("alice", False)}
    assert any(r["type"] == "quote" and r["source_anchor"].startswith("p-") for r in records)
    # Each comment is followed by its own votes and quotes.
    for i, r in enumerate(records):
        if r["type"] in ("vote", "quote"):
            owner = next(x for x in reversed(records[:i]) if x["type"] == "comment")
            assert owner["key"] == r["comment"]


def test_round_trip_through_an_empty_site_is_identical(site, client):
    before_api = _discussions(client)
    first = _export(with_secrets=True)
    _flush()
    summary = _load_text(first)
    assert summary.warnings == [] and summary.comments_created == first.count('"type":"comment"')
    assert (summary.held, summary.deleted, summary.removed, summary.votes) == (1, 2, 1, 7)
    second = _export(with_secrets=True)
    assert first.splitlines()[1:] == second.splitlines()[1:]
    assert _discussions(client) == before_api
    # Passwords came along: a member signs in with the old one.
    assert client.login(username="alice", password=PASSWORD)


def _load_text(text: str):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        fh.write(text)
    try:
        return veche.load(fh.name)
    finally:
        os.unlink(fh.name)


def test_importing_an_export_twice_changes_nothing(site):
    text = _export()
    _flush()
    _load_text(text)
    once = _export()
    again = _load_text(text)
    assert again.comments_created == 0 and again.comments_existing == text.count('"type":"comment"')
    assert _export().splitlines()[1:] == once.splitlines()[1:]


def test_without_secrets_members_cannot_sign_in_until_they_reset(site, client):
    text = _export()
    _flush()
    _load_text(text)
    assert not client.login(username="alice", password=PASSWORD)
    assert not Member.objects.get(login="alice").has_usable_password()


def test_a_quote_of_a_comment_links_to_its_new_id(site, client):
    text = _export()
    _flush()
    _load_text(text)
    reply = Comment.objects.get(body__contains="A reply that quotes.")
    quote = Quote.objects.get(comment=reply)
    assert quote.source_comment == reply.parent
    assert reply.body.startswith(f"> [quote=c{reply.parent.pk}]")
    assert f"#c{reply.parent.pk}" in reply.body_html


@pytest.mark.parametrize(("text", "line", "reason"), [
    ('{"type":"section","slug":"x","name":"X"}\n', 1, "header"),
    ('{"type":"veche-export","version":2}\n', 1, "version 2"),
    ('{"type":"veche-export","version":1}\n{"type":"comment","key":"k","article":"a"}\n', 2, "follow the article"),
    ('{"type":"veche-export","version":1}\nnot json\n', 2, "not a JSON record"),
    ('{"type":"veche-export","version":1}\n{"type":"section","slug":"x"}\n', 2, "incomplete"),
])
def test_malformed_exports(db, text, line, reason):
    with pytest.raises(ImportFormatError) as err:
        _load_text(text)
    assert reason in err.value.reason and err.value.line == line


def test_unknown_records_are_left_out_with_a_warning(db):
    summary = _load_text('{"type":"veche-export","version":1}\n{"type":"moderation.nosuchmodel","id":1}\n'
                         '{"type":"hologram","id":1}\n')
    assert len(summary.warnings) == 2


def test_rows_of_any_model_round_trip(site, monkeypatch):
    vote = Vote.objects.filter(counted=True).select_related("comment", "voter").first()
    record = rows.row_record(vote)
    assert record["type"] == "discussion.vote" and record["voter"] == vote.voter.login
    assert record["comment"] == f"veche:{vote.comment_id}"
    values = (vote.pk, vote.comment_id, vote.voter_id, vote.value, vote.counted, vote.created)
    vote.delete()
    assert rows.create_row(Vote, record) == (True, "")
    again = Vote.objects.get(pk=values[0])
    assert (again.pk, again.comment_id, again.voter_id, again.value, again.counted, again.created) == values
    assert rows.create_row(Vote, record) == (False, "a row with its id exists")
    monkeypatch.setattr(export, "moderation_models", lambda: [Tag])
    assert '{"type":"newsroom.tag","id":' in _export()


def test_member_data(site):
    data = export.member_data(site["alice"])
    assert data["profile"]["login"] == "alice" and data["profile"]["about"] == "Reads everything."
    assert "password" not in data["profile"] and "import_key" not in data["profile"]
    assert {c["article"] for c in data["comments"]} == {site["bridge"].slug, site["premod"].slug}
    assert any(c["status"] == "held" for c in data["comments"])
    assert {v["value"] for v in data["votes"]} == {1, -1}
    json.dumps(data)  # serialisable as it is


def test_the_profile_download_uses_it(site, client):
    client.force_login(site["alice"])
    response = client.get("/account/data.json")
    assert response.status_code == 200 and response.json()["profile"]["login"] == "alice"


def test_export_command(site, tmp_path, capsys):
    target = tmp_path / "site.jsonl"
    out = io.StringIO()
    call_command("export", str(target), stdout=out)
    assert "Exported" in out.getvalue() and target.read_text(encoding="utf-8").startswith('{"type":"veche-export"')
    assert not (tmp_path / "site.jsonl.partial").exists()
    out, err = io.StringIO(), io.StringIO()
    call_command("export", "-", "--with-secrets", stdout=out, stderr=err)
    assert '"password":' in out.getvalue() and "Exported" in err.getvalue()


def test_moderation_rows_round_trip(site, client, moderator):
    """Reports, bans and the moderation log leave with the export and come back as they were."""
    from moderation import actions as moderation_actions
    from moderation.models import Ban, LogEntry, Report

    bob = Member.objects.get(login="bob")
    target = Comment.objects.filter(author__login="alice", status=Status.VISIBLE).first()
    moderation_actions.report(bob, target, "insult", "rude")
    moderation_actions.hide(moderator, target, "insult", "name-calling")
    moderation_actions.ban(moderator, bob, days=3, scope="commenting", reason="brigading")
    before = (Report.objects.count(), Ban.objects.count(), list(LogEntry.objects.values_list("action", "reason", "note")))
    assert before[0] == 1 and before[1] == 1 and len(before[2]) == 2
    first = _export(with_secrets=True)
    _flush()
    _load_text(first)
    after = (Report.objects.count(), Ban.objects.count(), list(LogEntry.objects.values_list("action", "reason", "note")))
    assert after == before
    assert first.splitlines()[1:] == _export(with_secrets=True).splitlines()[1:]
    # The brigade case still names the vote it quarantined, now by the vote's new id.
    case = BrigadeCase.objects.get()
    assert [(v.voter.login, v.comment.body, v.counted) for v in case.votes.all()] == [
        ("alice", "Deeper reply, edited :smile:", False)]
    assert '"votes":["' in next(line for line in first.splitlines() if "brigadecase" in line)


def test_a_members_language_and_search_choice_travel_and_unknown_ones_are_dropped(db):
    lines = [{"type": "member", "login": "ru-reader", "language": "ru", "profile_indexable": True},
             {"type": "member", "login": "klingon", "language": "tlh", "profile_indexable": "yes"},
             {"type": "member", "login": "plain"}]
    _load_text('{"type":"veche-export","version":1}\n' + "".join(json.dumps(r) + "\n" for r in lines))
    got = {m.login: (m.language, m.profile_indexable) for m in Member.objects.filter(
        login__in=["ru-reader", "klingon", "plain"])}
    assert got == {"ru-reader": ("ru", True), "klingon": ("", False), "plain": ("", False)}


def test_a_language_of_another_type_is_read_as_none(db):
    lines = [{"type": "member", "login": "listy", "language": ["ru"]},
             {"type": "member", "login": "mappy", "language": {"ru": 1}}]
    _load_text('{"type":"veche-export","version":1}\n' + "".join(json.dumps(r) + "\n" for r in lines))
    assert set(Member.objects.filter(login__in=["listy", "mappy"]).values_list("language", flat=True)) == {""}
