"""The seed capture imports as the whole tree, the same twice, and malformed files are refused."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Member
from discussion.models import Comment, Quote
from imports import page, pagewriter
from imports.errors import ImportFormatError
from newsroom.models import Article

# (number, login, real name, presence, time as the page shows it)
SEED_TREE = [
    ("1", "123", "123", "offline", "14 May 2021 13:49"),
    ("2", "Bakht", "Bakhtiyar", "offline", "14 May 2021 13:50"),
    ("2.1", "123", "123", "offline", "14 May 2021 14:49"),
    ("2.1.1", "Bakht", "Bakhtiyar", "offline", "14 May 2021 14:52"),
    ("2.1.1.1", "123", "123", "offline", "14 May 2021 14:53"),
    ("3", "Bakht", "Bakhtiyar", "offline", "14 May 2021 14:00"),
    ("4", "Just a cat", "Bayun", "offline", "14 May 2021 14:27"),
    ("5", "steelmaker", None, "offline", "14 May 2021 14:45"),
    ("5.1", "Just a cat", "Bayun", "offline", "14 May 2021 16:11"),
    ("5.2", "Bakht", "Bakhtiyar", "offline", "14 May 2021 16:27"),
    ("6", "Bakht", "Bakhtiyar", "offline", "14 May 2021 16:46"),
    ("7", "gorenina91", "Irina", "online", "14 May 2021 17:39"),
    ("7.1", "Bakht", "Bakhtiyar", "offline", "14 May 2021 20:53"),
    ("8", "Dukhskrepny", "Vasya", "offline", "15 May 2021 11:28"),
    ("9", "Herman 4223", "Alexander", "offline", "17 May 2021 12:34"),
    ("9.1", "Petr Vladimirovich", "Peter", None, "17 May 2021 23:00"),
    ("10", "Canich-dotoshnii", None, None, "24 May 2021 07:56"),
]


def _flatten(items, out):
    stack = list(reversed(items))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(c["children"]))
    return out


@pytest.fixture
def imported(db, seed_path):
    call_command("import-page", str(seed_path), "--keep-open")
    return Article.objects.get()


def test_the_api_shows_the_seed_tree(client, imported):
    data = client.get(f"/api/v1/articles/{imported.slug}/comments/").json()
    flat = _flatten(data["comments"], [])
    assert len(flat) == 17
    got = []
    for c in flat:
        a = c["author"]
        from datetime import datetime

        from core.display import format_time

        human = format_time(datetime.fromisoformat(c["created"]))[1]
        got.append((c["number"], a["login"], a["real_name"], a["presence"], human))
    assert got == SEED_TREE
    deleted = {c["author"]["login"] for c in flat if c["author"]["deleted"]}
    assert deleted == {"Petr Vladimirovich", "Canich-dotoshnii"}
    assert data["count"] == 17


def test_the_article_page_shows_the_seed(client, imported):
    html = client.get(imported.get_absolute_url()).content.decode()
    assert "Dear reader, to leave comments on the publication, you must" in html
    assert html.count('class="comment"') == 17
    assert '<time datetime="2021-05-14T13:49:00+03:00">14 May 2021 13:49</time>' in html
    assert 'dir="auto" href="/members/Bakht/">Bakht (Bakhtiyar)</a>' in html
    assert "Online" in html  # gorenina91
    # The seed's quotation is attributed, and the smiley word became a smiley.
    assert "— stated the Prime Minister of Armenia Nikol Pashinyan." in html
    assert 'alt="winked"' in html
    # Deleted accounts: no profile link and no presence.
    assert '/members/Petr%20Vladimirovich/' not in html
    assert '<span class="login gone-account" dir="auto">Canich-dotoshnii</span>' in html


def test_quotes_of_the_article_are_linked(imported):
    first = Comment.objects.get(source_key__endswith=":1")
    quote = Quote.objects.get(comment=first)
    assert quote.source_anchor.startswith("p-")
    assert "morally broken and exhausted" in quote.text
    assert f'href="{imported.get_absolute_url()}#{quote.source_anchor}"' in first.body_html
    # gorenina91 opens by quoting the title.
    gorenina = Comment.objects.get(author__login="gorenina91")
    assert Quote.objects.get(comment=gorenina).source_anchor == "title"


def test_members_are_created_once_and_deleted_accounts_marked(imported):
    assert Member.objects.filter(is_imported=True).count() == 9
    assert set(Member.objects.filter(is_deleted=True).values_list("login", flat=True)) == {
        "Petr Vladimirovich", "Canich-dotoshnii"}
    bakht = Member.objects.get(login="Bakht")
    assert bakht.real_name == "Bakhtiyar" and bakht.comment_count == 6
    assert not bakht.has_usable_password()


def test_importing_twice_changes_nothing(imported, seed_path):
    before = (Comment.objects.count(), Member.objects.count(), Quote.objects.count(),
              Article.objects.get().comment_count)
    call_command("import-page", str(seed_path), "--keep-open")
    after = (Comment.objects.count(), Member.objects.count(), Quote.objects.count(),
             Article.objects.get().comment_count)
    assert before == after == (17, 9, before[2], 17)


@pytest.mark.parametrize(("mutate", "line", "reason"), [
    (lambda t: t.replace("  2. Bakht Offline Bakht", "  3. Bakht Offline Bakht", 1), 72, "comment number 3."),
    (lambda t: t.replace("    Bakht (Bakhtiyar) 14 May 2021 13: 50", "    Bakht (Bakhtiyar) 14 Mai 2021 13: 50"), 73, "unknown month"),
    (lambda t: t.replace("Dear reader, to leave comments on the publication, you must sign in.", "Comments:"), None, "separates the article"),
    (lambda t: t.replace("      123 (123) 14 May 2021 14: 49", "      456 (123) 14 May 2021 14: 49"), 82, "the header names"),
])
def test_a_malformed_capture_is_refused_with_line_and_reason(db, seed_path, tmp_path, mutate, line, reason):
    text = mutate(seed_path.read_text(encoding="utf-8"))
    with pytest.raises(ImportFormatError) as err:
        page.parse(text)
    assert reason in err.value.reason
    if line:
        assert err.value.line == line
    bad = tmp_path / "bad.txt"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.txt:\d+: .*Nothing was imported"):
        call_command("import-page", str(bad))
    assert not Article.objects.exists() and not Comment.objects.exists() and not Member.objects.exists()


def test_a_failure_half_way_writes_nothing(db, seed_path, monkeypatch):
    parsed = page.parse(seed_path.read_text(encoding="utf-8"))
    calls = {"n": 0}
    original = pagewriter.discussion_actions.do_post

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 9:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(pagewriter.discussion_actions, "do_post", failing)
    with pytest.raises(RuntimeError):
        pagewriter.write(parsed)
    assert not Comment.objects.exists() and not Article.objects.exists()
