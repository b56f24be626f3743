"""`veche import dle`: a DLE site (imports.tests.dle_site) read from a MariaDB database and
from a mysqldump file comes out the same; re-runs double nothing; --dry-run writes nothing;
an unreadable row refuses the import, naming its table and row."""

import io
import os
import re
import shutil
import subprocess
import uuid

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Member
from discussion.models import Comment, Quote, Vote
from imports import dle
from imports.dle.run import DleOptions
from imports.errors import ImportFormatError
from imports.tests import dle_site
from imports.tests.helpers import HOSTILE_HTML, assert_inert
from moderation import policy
from moderation.models import Ban, LogEntry
from newsroom.models import Article, Section, Tag

Status = Comment.Status
SITE = "https://old.example.ru"
MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}


def _options(**kw) -> DleOptions:
    return DleOptions(**{"site_url": SITE, "time_zone": "Europe/Moscow", **kw})


def _dump(tmp_path, data=None, name="dle.sql") -> str:
    path = tmp_path / name
    dle_site.write_dump(path, data)
    return str(path)


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "dle", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- MariaDB, created per test and dropped after --------------------------------------------

@pytest.fixture
def mariadb():
    """A database of its own on the local MariaDB: (a PyMySQL connection, its mysql:// URL)."""
    pymysql = pytest.importorskip("pymysql", reason="PyMySQL is not installed (the dle extra)")
    try:
        conn = pymysql.connect(**MARIADB, charset="utf8mb4", connect_timeout=3)
    except pymysql.MySQLError as exc:
        reason = f"MariaDB is not reachable on 127.0.0.1:3306 as root: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true needs it; .ci/run starts it)")
        pytest.skip(reason)
    name = f"veche_dle_test_{uuid.uuid4().hex[:12]}"
    try:
        dle_site.create_database(conn, name)
        yield conn, f"mysql://root@127.0.0.1:3306/{name}", name
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


# --- what the site must become -----------------------------------------------------------

def _c(cid: int) -> Comment:
    return Comment.objects.select_related("author", "parent").get(source_key__endswith=f":{cid}")


def assert_site_imported() -> None:
    members = {m.import_key: m for m in Member.objects.filter(is_imported=True)}
    bakht = members["dle:id:4"]
    assert (bakht.login, bakht.real_name, bakht.email) == ("Бахт", "Бахтияр", "bakht@old.example.ru")
    assert bakht.about == "Живу в Ереване\nЛюблю горы"
    assert bakht.date_joined.isoformat() == "2010-01-01T00:00:00+00:00"
    assert bakht.last_seen is not None and bakht.last_seen.year == 2021
    # Claimed by e-mail, never signed in with DLE's hash: no usable password, the hash nowhere.
    for m in members.values():
        assert not m.has_usable_password() and m.is_imported
        assert "secret" not in m.password and dle_site.dle_password(f"secret-{m.import_key[7:]}") not in m.password
    assert members["dle:id:8"].email == ""  # "not-an-address" is nothing to claim with
    # Roles: administrators and chief editors edit, the site's own moderators' group moderates.
    groups = {k: sorted(g.name for g in m.groups.all()) for k, m in members.items()}
    assert groups["dle:id:1"] == ["Editors"] and groups["dle:id:2"] == ["Editors"]
    assert groups["dle:id:3"] == ["Moderators"]
    assert groups["dle:id:4"] == groups["dle:id:8"] == []  # visitors and journalists: no role
    assert members["dle:id:3"].has_perm("moderation.moderate")
    assert not members["dle:id:4"].has_perm("moderation.moderate")
    # Bans: the banned member is banned for good, with DLE's reason; the expired ban is not.
    ban = Ban.objects.get()
    assert (ban.member.login, ban.scope, ban.reason, ban.until) == ("Спамер", Ban.Scope.FULL, "Реклама казино", None)
    assert policy.active_ban(Member.objects.get(pk=ban.member.pk)) is not None
    assert policy.active_ban(members["dle:id:7"]) is None
    assert LogEntry.objects.filter(action="ban", member=ban.member, moderator=None).count() == 1
    # A removed account and a guest: deleted members, under the names they signed with.
    gone, guest = _c(104).author, _c(103).author
    assert (gone.login, gone.is_deleted, gone.is_active) == ("Ушедший", True, False)
    assert (guest.login, guest.is_deleted, guest.email) == ("Гость Вася", True, "")

    # Sections, articles, tags.
    assert set(Section.objects.values_list("slug", "name")) >= {("politics", "Политика"),
                                                                ("society", "Общество & люди")}
    war = Article.objects.get(source_url=f"{SITE}/index.php?newsid=1")
    assert war.slug == "novyj-akt-agressii" and war.state == Article.State.PUBLISHED
    assert war.title == "Новый акт агрессии: только Москва может остановить Баку"
    assert war.published_at.isoformat() == "2021-05-14T07:00:00+00:00"  # 10:00 in Moscow
    assert (war.section.slug, war.author.name, war.author.member.login) == ("politics", "Главред", "Главред")
    assert sorted(war.tags.values_list("name", flat=True)) == ["Азербайджан", "Армения", "Карабах"]
    assert war.views == 1543 and war.lead == "Как известно, не так давно утихла война."
    assert "## Что дальше" in war.body and "- переговоры" in war.body
    assert f"[карта](<{SITE}/uploads/posts/2021-05/map.jpg>)" in war.body
    assert "> **Пашинян** wrote:\n>\n> Граница проходит здесь" in war.body
    bridge = Article.objects.get(source_url=f"{SITE}/index.php?newsid=2")
    assert bridge.title == 'Открытие моста "Дон"' and not bridge.comments_open
    assert bridge.body == "Мост через Дон откроют осенью." and bridge.lead == ""
    draft = Article.objects.get(slug="budget-draft")
    assert draft.state == Article.State.DRAFT and draft.section.slug == "imported"
    assert draft.body == "**Подробности**\n\nБюджет **урезан**"

    # Comments: 7 of the war article's 8 are public (one held); the orphan is left out.
    assert war.comment_count == 7 and draft.comment_count == 1
    assert not Comment.objects.filter(source_key__endswith=":901").exists()
    assert _c(101).created.isoformat() == "2021-05-14T10:49:00+00:00"
    assert _c(101).body == "Только Москва может остановить Баку. :wink:"
    assert 'alt="winked"' in _c(101).body_html  # a Veche smiley
    assert _c(102).parent == _c(101) and _c(104).parent == _c(102) and _c(106).parent is None
    assert (_c(105).status, _c(301).status) == (Status.HELD, Status.HELD)
    # Quotes: linked where the quoted member's comment holds the words, attributed otherwise.
    assert _c(102).body == (f"> [quote=c{_c(101).pk}]\n> Только Москва может остановить Баку.\n\n"
                            "Москва далеко, а Баку рядом. :wink:")
    assert Quote.objects.get(comment=_c(102)).source_comment == _c(101)
    assert Quote.objects.get(comment=_c(107)).source_comment == _c(103)
    assert _c(104).body == "> **steelmaker** wrote:\n> Этого никто не говорил\n\nНеправда! *(hidden text, not carried over)*"
    assert not Quote.objects.filter(comment=_c(104)).exists()
    assert "ссылка для своих" not in _c(104).body
    assert _c(106).body == ('Напоминаю правила: "без оскорблений".\nИ никаких \\\\ ссылок, '
                            "it's простое правило.")
    # Votes: members' only, never a guest's, on one's own comment or on a held one.
    assert sorted(Vote.objects.values_list("comment__source_key", "voter__login", "value")) == [
        ("dle:p1:101", "steelmaker", 1), ("dle:p1:101", "Главред", 1), ("dle:p1:102", "Бахт", -1)]
    assert (_c(101).plus, _c(101).minus, _c(102).minus) == (2, 0, 1)
    assert Member.objects.get(pk=bakht.pk).rating == 2


def snapshot() -> dict:
    def key(c):
        return c.source_key if c else None

    return {
        "members": sorted((m.import_key, m.login, m.email, m.is_deleted, m.rating, m.comment_count,
                           tuple(sorted(m.groups.values_list("name", flat=True))))
                          for m in Member.objects.filter(is_imported=True)),
        "articles": sorted((a.slug, a.state, a.comment_count, a.views, a.body) for a in Article.objects.all()),
        "comments": sorted((c.source_key, c.author.import_key, c.status, key(c.parent), c.plus, c.minus,
                            re.sub(r"\[quote=c\d+\]", "[quote]", c.body)) for c in Comment.objects.all()),
        "quotes": sorted((key(q.comment), key(q.source_comment)) for q in Quote.objects.all()),
        "votes": Vote.objects.count(), "bans": Ban.objects.count(), "tags": Tag.objects.count(),
        "log": LogEntry.objects.count(),
    }


# --- the dump ------------------------------------------------------------------------------

def test_a_dump_becomes_the_site(db, tmp_path):
    summary = dle.load(_dump(tmp_path), _options())
    assert_site_imported()
    assert (summary.members_created, summary.articles_created, summary.comments_created) == (8, 3, 10)
    assert (summary.held, summary.skipped, summary.votes, summary.bans) == (2, 1, 3, 1)
    text = summary.as_text()
    assert "members: 8 created" in text and "1 comments belong to posts the site no longer has" in text


def test_a_rerun_doubles_nothing(db, tmp_path):
    path = _dump(tmp_path)
    dle.load(path, _options())
    before = snapshot()
    again = dle.load(path, _options())
    assert snapshot() == before
    assert (again.members_created, again.members_existing) == (0, 8)
    assert (again.comments_created, again.comments_existing, again.votes) == (0, 10, 0)
    assert (again.articles_created, again.articles_matched, again.bans) == (0, 3, 0)


def test_a_rerun_resumes_after_new_comments(db, tmp_path):
    data = dle_site.rows()
    later = data["comments"].pop(-2)  # 302, on the draft
    dle.load(_dump(tmp_path, data), _options())
    assert not Comment.objects.filter(source_key="dle:p3:302").exists()
    data["comments"].append(later)
    summary = dle.load(_dump(tmp_path, data, "later.sql"), _options())
    assert summary.comments_created == 1 and Comment.objects.filter(source_key="dle:p3:302").count() == 1
    assert Article.objects.filter(slug__startswith="budget-draft").count() == 1


def test_dry_run_writes_nothing(db, tmp_path):
    members_before = Member.objects.count()
    out, _ = _run(_dump(tmp_path), "--site-url", SITE, "--dry-run")
    assert "10 created" in out and "Dry run: everything was rolled back" in out
    assert Member.objects.count() == members_before
    for model in (Article, Comment, Vote, Ban, Section, Tag, Quote, LogEntry):
        assert not model.objects.exists(), model


def test_the_command_imports_a_dump(db, tmp_path):
    out, _ = _run(_dump(tmp_path), "--site-url", SITE, "--time-zone", "Europe/Moscow")
    assert "members: 8 created" in out and "votes: 3" in out
    assert_site_imported()


@pytest.mark.parametrize(("table", "change", "message"), [
    ("comments", {"id": 103, "date": "вчера вечером"},
     "table dle_comments, row id='103': date 'вчера вечером' is not a date and time"),
    ("comments", {"id": 103, "post_id": "один"}, "table dle_comments, row id='103': post_id 'один' is not a whole number"),
    ("users", {"user_id": 5, "reg_date": "давно"}, "table dle_users, row user_id='5': reg_date 'давно' is not a Unix time"),
    ("post", {"id": 2, "date": "0000-00-00 00:00:00"}, "table dle_post, row id='2': date '0000-00-00 00:00:00'"),
])
def test_an_unreadable_row_is_refused_naming_table_and_row(db, tmp_path, table, change, message):
    data = dle_site.rows()
    key = "user_id" if table == "users" else "id"
    row = next(r for r in data[table] if r[key] == change[key])
    row.update(change)
    with pytest.raises(CommandError) as caught:
        _run(_dump(tmp_path, data), "--site-url", SITE)
    assert message in str(caught.value) and re.search(r"dle\.sql:\d+: ", str(caught.value))
    assert not Article.objects.exists() and not Member.objects.filter(is_imported=True).exists()


def test_a_broken_dump_is_refused_with_its_line(db, tmp_path):
    path = tmp_path / "broken.sql"
    dle_site.write_dump(path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("(101,1,4,", "(101,1 4,", 1)  # a missing comma
    path.write_text(text, encoding="utf-8")
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if "(101,1 4," in ln)
    with pytest.raises(CommandError, match=rf"broken\.sql:{line}: .*table dle_comments, row 1 of the INSERT"):
        _run(str(path), "--site-url", SITE)
    assert not Comment.objects.exists()


def test_a_row_of_too_few_values_is_refused(db, tmp_path):
    path = tmp_path / "short.sql"
    dle_site.write_dump(path)
    path.write_text(path.read_text(encoding="utf-8")
                    + "INSERT INTO `dle_post` VALUES (7,'Главред','2021-06-03 10:00:00');\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"table dle_post, row 1 of the INSERT \(first value '7'\): "
                                                r"3 values for 17 columns"):
        dle.load(str(path), _options())


def test_the_wrong_prefix_is_named(db, tmp_path):
    path = tmp_path / "site.sql"
    dle_site.write_dump(path, prefix="news_")
    with pytest.raises(ImportFormatError, match="no table dle_category, dle_post, dle_users, dle_comments "
                                                "was found.*--prefix news_"):
        dle.load(str(path), _options())
    dle.load(str(path), _options(prefix="news_"))
    assert Comment.objects.count() == 10


def test_a_windows_1251_dump(db, tmp_path):
    path = tmp_path / "cp1251.sql"
    dle_site.write_dump(path)
    text = path.read_text(encoding="utf-8").replace("SET NAMES utf8mb4", "SET NAMES cp1251")
    path.write_bytes(text.encode("cp1251"))
    dle.load(str(path), _options())
    assert _c(101).author.login == "Бахт"
    path.write_bytes(text.replace("SET NAMES cp1251", "SET NAMES utf8mb4").encode("cp1251"))
    with pytest.raises(ImportFormatError, match="not utf-8 text.*--encoding"):
        dle.load(str(path), _options())


def test_options_are_checked(db, tmp_path):
    path = _dump(tmp_path)
    with pytest.raises(ImportFormatError, match="--site-url"):
        dle.load(path, _options(site_url=""))
    with pytest.raises(ImportFormatError, match="--site-url"):
        dle.load(path, _options(site_url="javascript:alert(1)"))
    with pytest.raises(ImportFormatError, match="not both"):
        dle.load(path, _options(database_url="mysql://root@127.0.0.1/x"))
    with pytest.raises(ImportFormatError, match="unknown time zone"):
        dle.load(path, _options(time_zone="Mars/Olympus"))
    with pytest.raises(ImportFormatError, match="prefix"):
        dle.load(path, _options(prefix="dle`; DROP"))
    with pytest.raises(CommandError, match="give a dump file or --database-url"):
        _run("--site-url", SITE)


def test_a_database_that_cannot_be_reached_is_named_without_its_password(db):
    pytest.importorskip("pymysql")
    with pytest.raises(ImportFormatError) as caught:
        dle.load(None, _options(database_url="mysql://root:s3cr3t-pw@127.0.0.1:1/dle"))
    assert "cannot read the DLE database at 127.0.0.1:1/dle" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)
    with pytest.raises(ImportFormatError, match="must look like mysql://"):
        dle.load(None, _options(database_url="postgres://x@y/z"))


def test_hostile_content_is_inert(db, tmp_path):
    data = dle_site.rows()
    data["comments"][0]["text"] = HOSTILE_HTML + "[url=javascript:alert(8)]x[/url][img]javascript:alert(9)[/img]"
    data["post"][0]["full_story"] = HOSTILE_HTML
    data["users"][3]["name"] = "<script>alert(1)</script>"
    dle.load(_dump(tmp_path, data), _options())
    assert_inert(_c(101).body_html, text_too=True)
    assert_inert(Article.objects.get(source_url__endswith="newsid=1").body_html, text_too=True)
    assert Member.objects.get(import_key="dle:id:4").login == "script alert 1 script"


def test_what_readers_must_not_see(db, tmp_path, client, make_member):
    dle.load(_dump(tmp_path), _options())
    war = Article.objects.get(source_url__endswith="newsid=1")
    for reader in (None, make_member("reader")):
        if reader is not None:
            client.force_login(reader)
        page = client.get(war.get_absolute_url()).content.decode()
        assert "Только Москва может остановить Баку." in page
        assert "Лучшее казино" not in page  # held
        assert client.get(Article.objects.get(slug="budget-draft").get_absolute_url()).status_code == 404
    # Imported members cannot sign in until they claim the account; the banned one cannot comment.
    assert not client.login(login="Бахт", password="secret-4")
    with pytest.raises(Exception, match="banned"):
        policy.check_may_comment(Member.objects.get(login="Спамер"))
    with pytest.raises(Exception, match="cannot comment"):
        policy.check_may_comment(Member.objects.get(login="Ушедший"))


# --- the database itself ------------------------------------------------------------------

def test_a_database_becomes_the_site(db, mariadb):
    _conn, url, _name = mariadb
    summary = dle.load(None, _options(database_url=url))
    assert_site_imported()
    assert (summary.comments_created, summary.votes, summary.skipped) == (10, 3, 1)
    again = dle.load(None, _options(database_url=url))
    assert again.comments_created == 0 and again.members_existing == 8


def test_the_command_reads_a_database(db, mariadb):
    _conn, url, _name = mariadb
    out, _ = _run("--database-url", url, "--site-url", SITE, "--time-zone", "Europe/Moscow", "--dry-run")
    assert "10 created" in out and not Comment.objects.exists()


def test_a_zero_date_in_the_database_is_refused(db, mariadb):
    conn, url, name = mariadb
    with conn.cursor() as cur:
        cur.execute("SET SESSION sql_mode = ''")
        cur.execute(f"UPDATE `{name}`.`dle_comments` SET `date` = '0000-00-00 00:00:00' WHERE id = 106")
    conn.commit()
    with pytest.raises(ImportFormatError, match=r"table dle_comments, row id='106': date '0000-00-00 00:00:00' "
                                                "is not a date and time"):
        dle.load(None, _options(database_url=url))
    assert not Comment.objects.exists()


def test_real_mysqldump_output_reads_the_same(db, mariadb, tmp_path):
    tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    if tool is None:
        pytest.skip("neither mariadb-dump nor mysqldump is installed")
    _conn, _url, name = mariadb
    path = tmp_path / "real.sql"
    with open(path, "wb") as fh:
        subprocess.run([tool, "-h127.0.0.1", "-uroot", "--skip-dump-date", name], stdout=fh, check=True,
                       timeout=60)
    dle.load(str(path), _options())
    assert_site_imported()
