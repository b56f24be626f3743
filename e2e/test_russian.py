"""The journey of the foundation issue on a Russian site (VECHE_LANGUAGE=ru): a visitor reads a
Russian demo article, signs up, comments, replies, quotes and votes — every word they see in
Russian — and axe-core finds no serious or critical violation on the main pages in Russian."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from e2e.conftest import shot, unique_login
from e2e.server import Server, environment, prepare
from e2e.test_accessibility import serious

ARTICLE = "/articles/zachem-redaktsii-slushat-kommentatorov/"


@pytest.fixture(scope="module")
def site_ru(tmp_path_factory, seed_dir, browser):
    var = tmp_path_factory.mktemp("veche-ru")
    env = environment(var, db_name="veche_e2e_ru", VECHE_LANGUAGE="ru")
    prepare(env, seed_dir)
    server = Server(env)
    yield server
    server.kill()
    shutil.rmtree(var, ignore_errors=True)


@pytest.fixture
def ru_page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    ctx.close()
    assert not errors, errors


def test_the_journey_in_russian(site_ru, ru_page):
    page = ru_page
    page.goto(site_ru.url + ARTICLE)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text("Зачем редакции слушать своих комментаторов")
    expect(page.locator("#story-body")).to_have_attribute("lang", "ru")
    expect(page.locator(".notice.signin")).to_contain_text(
        "Уважаемый читатель, чтобы оставлять комментарии к публикации, необходимо авторизоваться.")
    expect(page.locator(".story-head .meta a[href='#comments']")).to_have_text("12 комментариев")
    expect(page.locator("#thread time").first).to_have_text(re.compile(r"^\d{1,2} (января|февраля|марта|апреля|мая|"
                                                                       r"июня|июля|августа|сентября|октября|"
                                                                       r"ноября|декабря) \d{4} \d\d:\d\d$"))
    expect(page.locator("#thread a[data-act=reply]").first).to_have_text("Ответить")
    expect(page.locator("img.smiley").first).to_be_visible()
    expect(page.locator("blockquote.quote a.quote-source").first).to_contain_text("пишет:")
    assert page.locator("#thread ol.replies ol.replies ol.replies ol.replies").count() >= 1  # a deep thread
    body = page.locator("body").inner_text()
    for english in ("Reply", "Quote", "Sign in", "Discussion", "comments", "Online", "Offline"):
        assert not re.search(rf"\b{english}\b", body), english
    shot(page, "ru-article-visitor")

    # Sign up from the discussion's notice, and come back to it.
    page.click(".notice.signin a:has-text('Зарегистрируйтесь')")
    expect(page.locator("h1")).to_have_text("Регистрация")
    login = unique_login("Читатель")
    page.fill("#id_login", login)
    page.fill("#id_real_name", "Пётр Иванович")
    page.fill("#id_password", "достаточно длинный пароль")
    shot(page, "ru-signup")
    page.click("button:has-text('Зарегистрироваться')")
    page.wait_for_url(re.compile(re.escape(ARTICLE)))
    expect(page.locator(".messages")).to_contain_text(f"Добро пожаловать, {login}!")
    expect(page.locator("#comment-form label")).to_have_text("Ваш комментарий")

    # A comment, published in place.
    count = int(page.locator(".discussion-head .count").inner_text())
    page.fill("#comment-form textarea", "Мои первые слова здесь :hello:")
    page.click("#comment-form button[type=submit]")
    mine = page.locator("li.comment.mine").filter(has_text="Мои первые слова здесь")
    expect(mine).to_have_count(1)
    expect(mine.locator(".presence").first).to_have_text("На сайте")
    expect(page.locator(".discussion-head .count")).to_have_text(str(count + 1))

    # A reply to Skeptic, inline, labelled in Russian.
    skeptic = page.locator("#thread li.comment").filter(has_text="Комментарии — это в основном боты и крик.").first
    skeptic.locator(":scope > a[data-act=reply]").click()
    form = page.locator("form.inline-form")
    expect(form.locator("label")).to_have_text(re.compile("^Ваш ответ пользователю"))
    expect(form.locator("button.linklike:not([data-quote])")).to_have_text("Отмена")
    # The form's own Quote button quotes the comment replied to (it is on no comment itself).
    form.locator("button[data-quote]").click()
    expect(form.locator("textarea")).to_have_value(re.compile(r"^> \[quote=c\d+\]\n> Комментарии — это в основном боты"))
    form.locator("textarea").fill("Ответ скептику")
    form.locator("button[type=submit]:not([name=preview])").click()
    reply = skeptic.locator(":scope > ol.replies > li.comment").filter(has_text="Ответ скептику")
    expect(reply).to_have_count(1)

    # Quote a sentence of the article by selecting it.
    expect(page.locator(".quote-pop")).to_have_text("Цитировать")
    paragraph = page.locator("#story-body p").first
    pid = paragraph.get_attribute("id")
    page.evaluate("""(id) => {
        const p = document.getElementById(id);
        const range = document.createRange();
        range.setStart(p.firstChild, 0); range.setEnd(p.firstChild, 30);
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);
    }""", pid)
    page.locator(".quote-pop").click()
    textarea = page.locator("#comment-form textarea")
    expect(textarea).to_have_value(re.compile(rf"^> \[quote={pid}\]\n> Каждый редактор"))
    textarea.press("End")
    textarea.type("\nВот именно.")
    page.click("#comment-form button[type=submit]")
    quoted = page.locator("li.comment.mine").filter(has_text="Вот именно.")
    expect(quoted.locator("blockquote.quote a.quote-source")).to_contain_text("Из статьи:")

    # Vote on someone's comment.
    first = page.locator("#thread > li.comment").first
    before = int(first.locator(":scope > .plus").text_content()[1:])
    first.locator(":scope > .plus").click()
    expect(first.locator(":scope > .plus")).to_have_text(f"+{before + 1}")
    shot(page, "ru-article-member")

    # After a reload (the page now served from the member skeleton) all of it, in Russian.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".c-text").filter(has_text="Ответ скептику")).to_have_count(1)
    expect(page.locator(".site-head .account")).to_contain_text("Выйти")
    body = page.locator("body").inner_text()
    for english in ("Reply", "Quote", "Sign out", "Settings", "Publish"):
        assert not re.search(rf"\b{english}\b", body), english

    # The footer switcher: English for this reader, and back.
    page.click("form.languages button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#thread a[data-act=reply]").first).to_have_text("Reply")
    page.click("form.languages button[value=ru]")
    expect(page.locator("html")).to_have_attribute("lang", "ru")


@pytest.mark.parametrize("path", ["/", ARTICLE, "/signup/", "/signin/", "/rules/"])
def test_no_serious_violations_in_russian(site_ru, browser, path):
    ctx = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(site_ru.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        assert serious(page) == []
        if path == ARTICLE:
            shot(page, "ru-axe-article")
    finally:
        ctx.close()
