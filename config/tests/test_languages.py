"""Russian and English: the reader's language decided alike by Django and the ASGI front, and
the caches kept per language — a page, a member's skeleton, the comments JSON and a live
fragment kept for one language never reach a reader of the other.

The front reads in worker threads, so the database here is transactional (as in test_front)."""

import asyncio
import json
import re
from datetime import UTC, datetime

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import Client
from django.utils import translation

from config.tests.test_front import _executor_connections_closed, from_front, member_cookies  # noqa: F401
from config.tests.test_invalidation import _equal, _same
from core import languages, memo, pagecache
from core.cache import later

pytestmark = pytest.mark.django_db(transaction=True)

RU_SIGNIN = "Уважаемый читатель, чтобы оставлять комментарии к публикации, необходимо"
EN_SIGNIN = "Dear reader, to leave comments on the publication, you must"
RU_WORDS = ("Ответить", ">Ещё<", "Обсуждение", RU_SIGNIN)  # Reply and More: on every comment
EN_WORDS = (">Reply<", ">More<", ">Discussion <", EN_SIGNIN)


def get(path: str, *, cookies: dict | None = None, accept: str = "", query: str = "") -> tuple[int, dict, str]:
    """A GET through the ASGI application (the front first, then Django), as a browser sends it."""
    from config.asgi import application

    headers = [(b"host", b"testserver")]
    if cookies:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    if accept:
        headers.append((b"accept-language", accept.encode()))
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "headers": headers, "scheme": "http", "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}
    sent: list[dict] = []
    asked: list[bool] = []

    async def receive():
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    later.flush()
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body.decode()


def cached(headers: dict) -> bool:
    """Answered by the front from the page cache (Django's answers carry Content-Language)."""
    return "content-language" not in headers


def in_russian(html: str) -> bool:
    return '<html lang="ru">' in html and all(w in html for w in RU_WORDS[:3]) and not any(w in html for w in EN_WORDS)


def in_english(html: str) -> bool:
    return '<html lang="en">' in html and not any(w in html for w in RU_WORDS) and ">Reply<" in html


@pytest.fixture
def scene(alice, bob, article, post):
    pagecache.SLUGS.clear()
    first = post(alice, article, "The first words")
    post(bob, article, "An answer", parent=first)
    return article


# --- deciding the language -----------------------------------------------------------------

def test_the_language_is_the_address_s_then_the_choice_then_the_browser_s_then_the_site_s():
    assert languages.choose("ru", "en", "en") == "ru"
    assert languages.choose(None, "ru", "en-GB,en;q=0.9") == "ru"
    assert languages.choose(None, None, "ru-RU,ru;q=0.9,en;q=0.8") == "ru"
    assert languages.choose(None, None, "en;q=0.1, ru;q=0.9") == "ru"
    assert languages.choose(None, None, "de-DE, fr;q=0.8") == settings.LANGUAGE_CODE
    assert languages.choose(None, None, "") == settings.LANGUAGE_CODE
    # What the site does not offer is never chosen, from wherever it comes.
    assert languages.choose("de", "xx", "de") == settings.LANGUAGE_CODE
    assert languages.choose(None, "ru';--", "") == settings.LANGUAGE_CODE
    assert languages.query_language(b"order=best&lang=ru") == "ru"
    assert languages.query_language(b"lang=de") is None


def test_a_language_not_enabled_is_not_chosen(settings):
    settings.LANGUAGES = [("en", "English")]
    assert languages.choose("ru", "ru", "ru") == "en"


def test_the_site_language_comes_from_the_environment(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings.base as base

    try:
        monkeypatch.setenv("VECHE_LANGUAGE", "ru")
        monkeypatch.setenv("VECHE_LANGUAGES", "ru")
        importlib.reload(base)
        assert base.LANGUAGE_CODE == "ru" and base.LANGUAGES == [("ru", "Русский")]
        monkeypatch.setenv("VECHE_LANGUAGES", "ru,de")
        with pytest.raises(ImproperlyConfigured, match="de"):
            importlib.reload(base)
    finally:
        monkeypatch.delenv("VECHE_LANGUAGE")
        monkeypatch.delenv("VECHE_LANGUAGES")
        importlib.reload(base)
    assert base.LANGUAGE_CODE == "en"


# --- plurals and dates -------------------------------------------------------------------------

RU_COMMENTS = {1: "1 комментарий", 2: "2 комментария", 5: "5 комментариев", 11: "11 комментариев",
               21: "21 комментарий", 22: "22 комментария", 101: "101 комментарий", 111: "111 комментариев"}


@pytest.mark.parametrize("n", list(RU_COMMENTS))
def test_russian_plurals_take_all_three_forms(n):
    from django.utils.translation import ngettext

    from discussion.page import _summary, js_words

    with translation.override("ru"):
        assert ngettext("%(n)s comment", "%(n)s comments", n) % {"n": n} == RU_COMMENTS[n]
        view = ngettext("%(n)s view", "%(n)s views", n) % {"n": n}
        assert view == f"{n} " + {0: "просмотр", 1: "просмотра", 2: "просмотров"}[_form(n)]
        quarantined = ngettext("%(n)s vote quarantined", "%(n)s votes quarantined", n) % {"n": n}
        assert quarantined.startswith(f"{n} " + {0: "голос ", 1: "голоса ", 2: "голосов "}[_form(n)])
        from collections import Counter

        summary = _summary(Counter({"spam": n}))
        assert summary.startswith(f"Модераторы удалили {n} " + {0: "комментарий:", 1: "комментария:",
                                                                 2: "комментариев:"}[_form(n)])
        assert summary.endswith(f"спам — {n}.")
        forms = js_words()["new_comments"]  # what the page's script writes, by Intl.PluralRules
        assert forms["one"] == "{n} новый комментарий" and forms["few"] == "{n} новых комментария"
        assert forms["many"] == "{n} новых комментариев"


def _form(n: int) -> int:
    return 0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2


def test_english_plurals_take_two_forms():
    from collections import Counter

    from django.utils.translation import ngettext

    from discussion.page import _summary

    with translation.override("en"):
        assert [ngettext("%(n)s comment", "%(n)s comments", n) % {"n": n} for n in (1, 2, 21, 101)] == [
            "1 comment", "2 comments", "21 comments", "101 comments"]
        assert _summary(Counter({"spam": 2, "insult": 1})) == "3 comments removed by moderators: 2 spam, 1 insult."


def test_dates_are_written_in_the_reader_s_language_and_russian_genitive():
    from django.template import Context, Template

    from core import display

    moment = datetime(2021, 5, 14, 10, 49, 7, tzinfo=UTC)  # 13:49 in Moscow
    with translation.override("ru"):
        assert display.format_time(moment)[1] == "14 мая 2021 13:49"
        assert display.clock().format("2021-03-08 09:05:00")[1] == "8 марта 2021 12:05"
        assert Template('{{ t|date:"j E Y H:i" }}').render(Context({"t": moment})) == "14 мая 2021 13:49"
    with translation.override("en"):  # the clocks are kept per language: no Russian month leaks
        assert display.format_time(moment)[1] == "14 May 2021 13:49"
        assert display.clock().format("2021-03-08 09:05:00")[1] == "8 March 2021 12:05"
        assert Template('{{ t|date:"j E Y H:i" }}').render(Context({"t": moment})) == "14 May 2021 13:49"


# --- the article page, anonymous: Django and the front ------------------------------------

def test_the_front_never_serves_one_language_s_page_to_another(scene):
    url = scene.get_absolute_url()
    status, headers, ru = get(url, accept="ru-RU,ru;q=0.9")
    assert status == 200 and not cached(headers) and in_russian(ru)
    assert "Accept-Language" in headers["vary"] and headers["content-language"] == "ru"
    assert f"{RU_SIGNIN} <a" in ru and "1 комментарий" not in ru and "2 комментария" in ru
    # The Russian page is kept; an English reader gets an English page, not that one.
    status, headers, en = get(url, accept="en-US,en;q=0.9")
    assert status == 200 and not cached(headers) and in_english(en) and "2 comments" in en
    status, headers, en_again = get(url, accept="en")
    assert cached(headers) and in_english(en_again)
    status, headers, ru_again = get(url, accept="ru")
    assert cached(headers) and in_russian(ru_again)
    # No Accept-Language at all: the site's language, never the last one rendered.
    assert in_english(get(url)[2])


def test_the_choice_beats_the_browser_on_the_front_as_in_django(scene):
    url = scene.get_absolute_url()
    choice = {settings.LANGUAGE_COOKIE_NAME: "ru"}
    status, headers, html = get(url, cookies=choice, accept="en")
    assert not cached(headers) and in_russian(html)
    status, headers, html = get(url, cookies=choice, accept="en")
    assert cached(headers) and in_russian(html)
    status, headers, html = get(url, accept="en")  # the kept Russian page is not the English one
    assert in_english(html)
    # ?lang= (the hreflang alternates) beats both.
    status, headers, html = get(url, cookies=choice, accept="ru", query="lang=en")
    assert in_english(html)
    assert cached(get(url, cookies=choice, accept="ru", query="lang=en")[1])
    assert in_english(get(url, cookies=choice, accept="ru", query="lang=en")[2])
    # A cookie naming a language the site does not offer counts for nothing.
    assert in_russian(get(url, cookies={settings.LANGUAGE_COOKIE_NAME: "de"}, accept="ru")[2])


def test_the_page_says_its_alternates_and_the_article_s_language(scene):
    url = scene.get_absolute_url()
    html = get(url)[2]
    base = settings.VECHE_SITE_URL.rstrip("/") + url
    assert f'<link rel="alternate" hreflang="ru" href="{base}?lang=ru">' in html
    assert f'<link rel="alternate" hreflang="en" href="{base}?lang=en">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{base}">' in html
    assert 'id="story-body" data-quote-source="article" lang="en"' in html
    scene.language = "ru"
    scene.save(update_fields=["language"])
    from newsroom import versions

    versions.changed(scene.pk, versions.Change.ARTICLE)
    html = get(url, accept="en")[2]
    assert 'data-quote-source="article" lang="ru"' in html and '<html lang="en">' in html
    # The footer's switcher: a plain form, without a token on the shared page.
    form = re.search(r'<form class="languages" method="post" action="/account/language/">(.*?)</form>', html, re.S)
    assert form and "csrfmiddlewaretoken" not in form.group(1) and 'value="ru"' in form.group(1)


def test_new_articles_take_the_site_s_language(make_article, settings):
    assert make_article().language == "en"
    settings.LANGUAGE_CODE = "ru"
    assert make_article().language == "ru"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_served_page_is_the_page_from_nothing_in_each_language(scene, bob, language):
    url = scene.get_absolute_url()
    accept = {"ru": "ru", "en": "en"}[language]
    check = in_russian if language == "ru" else in_english
    get(url, accept="ru" if language == "en" else "en")  # the other language's page, kept
    get(url, accept=accept)
    status, headers, served = get(url, accept=accept)
    assert cached(headers) and check(served)
    _equal(_same(served), _from_nothing(url, accept=accept))
    # A member's page, filled by the front from the skeleton of their language.
    client = Client(HTTP_ACCEPT_LANGUAGE=accept)
    client.force_login(bob)
    cookies = member_cookies(client)
    cookies[settings.LANGUAGE_COOKIE_NAME] = language
    get(url, cookies=cookies)
    status, headers, member = get(url, cookies=cookies)
    assert from_front(headers) and check(member)
    _equal(_same(member), _from_nothing(url, cookies=cookies))


def _from_nothing(url: str, **kw) -> str:
    later.flush()
    from django.core.cache import cache

    cache.clear()
    memo.forget_all()
    return _same(get(url, **kw)[2])


# --- members --------------------------------------------------------------------------------

def test_a_member_s_saved_language_wins_over_the_browser_and_the_front_follows_it(scene, alice, bob):
    from accounts import actions as account_actions

    url = scene.get_absolute_url()
    account_actions.do_set_language(bob, "ru")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(bob)
    client.get("/")
    cookies = {k: v.value for k, v in client.cookies.items()}
    assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == "ru"  # Django set it from the saved choice
    # Without that cookie the front cannot know the choice: it leaves the page to Django.
    no_choice = {k: v for k, v in cookies.items() if k != settings.LANGUAGE_COOKIE_NAME}
    alice_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    alice_client.force_login(alice)
    alice_client.get(url)  # an English member skeleton is kept
    status, headers, html = get(url, cookies=no_choice, accept="en")
    assert not from_front(headers) and in_russian(html)
    get(url, cookies=cookies, accept="en")
    status, headers, html = get(url, cookies=cookies, accept="en")
    assert from_front(headers) and in_russian(html)
    assert "Выйти" in html and ">Sign out<" not in html  # the account links too
    # Alice (English) still gets English account links and page.
    alice_cookies = {k: v.value for k, v in alice_client.cookies.items()}
    get(url, cookies=alice_cookies, accept="en")
    status, headers, html = get(url, cookies=alice_cookies, accept="en")
    assert in_english(html) and ">Sign out<" in html and "Выйти" not in html


def test_the_switcher_keeps_the_choice_and_a_member_s_settings_save_it(scene, bob):
    url = scene.get_absolute_url()
    visitor = Client()
    r = visitor.post("/account/language/", {"language": "ru", "back": url})
    assert r.status_code == 302 and r["Location"] == url
    assert visitor.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert in_russian(visitor.get(url).content.decode())
    # Elsewhere than this site, or a language not offered: nothing taken from it.
    r = Client().post("/account/language/", {"language": "de", "back": "https://evil.example/"})
    assert r["Location"] == "/" and settings.LANGUAGE_COOKIE_NAME not in r.cookies
    assert Client().get("/account/language/").status_code == 405
    # A member's choice is saved only by a post that passes the CSRF check.
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(bob)
    forger.post("/account/language/", {"language": "ru", "back": "/"})
    bob.refresh_from_db()
    assert bob.language == ""
    member = Client(enforce_csrf_checks=True)
    member.force_login(bob)
    member.get("/")
    token = member.cookies[settings.CSRF_COOKIE_NAME].value
    member.post("/account/language/", {"language": "ru", "back": "/", "csrfmiddlewaretoken": token})
    bob.refresh_from_db()
    assert bob.language == "ru"
    # The settings page: the choice, or none (the browser's).
    member.post("/account/", {"real_name": "", "email": bob.email, "about": "", "language": "",
                              "csrfmiddlewaretoken": token})
    bob.refresh_from_db()
    assert bob.language == ""
    r = member.post("/account/", {"real_name": "", "email": bob.email, "about": "", "language": "xx",
                                  "csrfmiddlewaretoken": token})
    assert r.status_code == 200 and "xx" in r.content.decode()  # a form error, nothing saved
    bob.refresh_from_db()
    assert bob.language == ""


# --- the comments JSON and live fragments -------------------------------------------------------

def test_the_api_s_errors_follow_the_request_s_language_and_its_cache_is_kept_per_language(scene):
    api = f"/api/v1/articles/{scene.slug}/comments/"
    status, _h, body = get(api, accept="ru", query="order=sideways")
    assert status == 400 and "«order» — одно из значений" in json.loads(body)["message"]
    status, _h, body = get(api, accept="en", query="order=sideways")
    assert status == 400 and json.loads(body)["message"].startswith("“order” is one of")
    get(api, accept="ru")
    status, headers, ru = get(api, accept="ru")
    assert status == 200 and cached(headers)
    status, headers, en = get(api, accept="en")
    assert status == 200 and not cached(headers)  # not the Russian caller's entry
    assert json.loads(ru) == json.loads(en)  # the data itself says nothing in words


def test_a_live_fragment_is_made_in_each_language_and_each_reader_gets_theirs(monkeypatch, scene, alice):
    from discussion import actions
    from discussion import live as discussion_live
    from live import stream

    sent: list = []
    monkeypatch.setattr(discussion_live, "publish_on_commit", sent.append)
    with translation.override("ru"):  # the poster's language is not the event's
        actions.post_comment(alice, scene, "Live words")
    event = next(e.build() for e in sent if e["type"] == "comment.new")
    event["id"] = "1-1"
    assert set(event["html_by_language"]) == {"en", "ru"}
    ru = json.loads(stream.frame_bytes(event, "ru").decode().split("data: ", 1)[1])
    en = json.loads(stream.frame_bytes(event, "en").decode().split("data: ", 1)[1])
    assert ">Ответить<" in ru["html"] and ">Reply<" not in ru["html"] and "Live words" in ru["html"]
    assert ">Reply<" in en["html"] and "Ответить" not in en["html"]
    assert "html_by_language" not in ru and "html_by_language" not in en  # one language a frame
    assert stream.frame_bytes(event, "ru") is stream.frame_bytes(event, "ru")  # made once a language
    with translation.override("ru"):
        assert "мая" not in en["html"]


def test_a_live_stream_opened_in_russian_sends_russian(scene, alice):
    """The front decides the stream's language as it decides a page's."""
    from config.front import Front

    front = Front(None)
    scope = {"query_string": b"", "headers": [(b"accept-language", b"ru,en;q=0.5")]}
    assert front._language(scope, {}) == "ru"
    assert front._language(scope, {settings.LANGUAGE_COOKIE_NAME: "en"}) == "en"


@pytest.mark.parametrize("back", ["foo", 'ABC<div style="x', "//evil.example/", "/\\evil.example", "https://evil.example/",
                                  "", "\x00", "/articles/x/?lang=ru&order=newest"])
def test_the_switcher_goes_back_only_to_a_path_of_this_site_and_without_its_lang(client, back):
    r = client.post("/account/language/", {"language": "en", "back": back})
    if "\x00" in back:
        assert r.status_code == 400  # NUL is refused before any view, with a sentence
        return
    assert r.status_code == 302
    target = r["Location"]
    assert target.startswith("/") and not target.startswith(("//", "/\\"))
    assert "lang=" not in target
    if back.startswith("/articles/"):
        assert target == "/articles/x/?order=newest"


@pytest.mark.parametrize(("rank", "shown"), [("Veteran", {"en": "Veteran", "ru": "Veteran"}),
                                            ("Sergeant", {"en": "Sergeant", "ru": "Сержант"})])
def test_a_live_fragment_reads_its_badges_and_rank_once_for_every_language(monkeypatch, scene, alice, rank, shown):
    """The decor (picks, badges, ranks) is read once a post, and both languages' markup carry
    it: a default rank's name in each reader's language, an operator's own name as written."""
    from discussion import actions, decor
    from discussion import live as discussion_live
    from discussion.decor import Decor

    sent: list = []
    reads: list = []
    monkeypatch.setattr(discussion_live, "publish_on_commit", sent.append)
    monkeypatch.setattr(decor, "for_new_comment", lambda article, author: reads.append(author) or Decor(
        ranks={alice.pk: rank}))
    actions.post_comment(alice, scene, "Ranked words")
    event = next(e.build() for e in sent if e["type"] == "comment.new")
    assert reads == [alice.pk]  # once, not once a language
    for code in ("en", "ru"):
        html = event["html_by_language"][code]
        assert f'class="login" data-rank="{shown[code]}"' in html
        assert html.count("data-rank=") == 1
