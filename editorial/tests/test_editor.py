"""The article editor: who may use it (no one but editors), saving and previewing without
JavaScript, the preview equal to the published page, autosaved drafts and the history."""

import re

import pytest
from django.test import Client

from editorial.models import ArticleRevision, EditorDraft
from editorial.views import word_count
from newsroom.models import Article, Section

BODY = ("First paragraph with *words*.\n\n> Quoted line.\n>\n> — said the general.\n\n"
        "Second paragraph.\n\nFirst paragraph with *words*.")


def form_data(section, **over):
    data = {"title": "Bridge reopened", "slug": "", "lead": "The lead.", "body": BODY,
            "section": section.pk, "state": "published", "published_at": "2026-01-02T10:00",
            "comments_open": "on", "comments_close_after_days": "", "author": ""}
    data.update(over)
    return data


@pytest.fixture
def section(db):
    return Section.objects.create(name="News", slug="news")


def guarded_urls(article, revision_pk, image_pk):
    return [("get", "/editorial/"), ("get", "/editorial/articles/new/"), ("post", "/editorial/articles/new/"),
            ("get", f"/editorial/articles/{article.pk}/"), ("post", f"/editorial/articles/{article.pk}/"),
            ("get", f"/editorial/articles/{article.pk}/history/"),
            ("get", f"/editorial/articles/{article.pk}/images/"), ("post", f"/editorial/articles/{article.pk}/images/"),
            ("post", f"/editorial/articles/{article.pk}/draft/discard/"),
            ("post", "/editorial/articles/new/draft/discard/"),
            ("post", f"/editorial/revisions/{revision_pk}/restore/"),
            ("post", f"/editorial/images/{image_pk}/"), ("post", f"/editorial/images/{image_pk}/delete/"),
            ("post", "/editorial/preview/"), ("post", "/editorial/autosave/")]


@pytest.mark.parametrize("role", ["anonymous", "member", "moderator", "author"])
def test_no_one_but_editors_gets_in(client, role, make_member, moderator, editor, make_article):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from editorial import actions
    from editorial.tests.conftest import png
    from newsroom.models import Author

    article = make_article(state=Article.State.DRAFT, body="Secret draft text.")
    revision = actions.do_save_article_as(editor, article).revisions.get()
    image = actions.do_add_image(editor, article, SimpleUploadedFile("p.png", png()), alt="Secret picture")
    if role == "member":
        client.force_login(make_member())
    elif role == "moderator":
        client.force_login(moderator)
    elif role == "author":  # a byline's member, who is not an editor
        member = make_member("writer")
        Author.objects.create(name="Writer", slug="writer", member=member)
        article.author = Author.objects.get()
        article.save()
        client.force_login(member)
    counts = (Article.objects.count(), ArticleRevision.objects.count(), EditorDraft.objects.count())
    for method, url in guarded_urls(article, revision.pk, image.pk):
        data = {"body": "x", "title": "Hijack", "article": str(article.pk), "alt": "changed",
                f"i{image.pk}-alt": "changed"}
        response = getattr(client, method)(url, data)
        assert response.status_code in (302, 403), (role, url)
        if response.status_code == 302:
            assert role == "anonymous" and "/signin" in response["Location"], url
        text = response.content.decode()
        assert "Secret draft text" not in text and "Secret picture" not in text, url
        json = getattr(client, method)(url, data, HTTP_ACCEPT="application/json")
        assert json.status_code == 403 and json.json()["error"] == "forbidden", url
    assert counts == (Article.objects.count(), ArticleRevision.objects.count(), EditorDraft.objects.count())
    image.refresh_from_db()
    article.refresh_from_db()
    assert image.alt == "Secret picture" and article.title != "Hijack"


def test_an_editor_writes_a_new_article(client, editor, section):
    client.force_login(editor)
    page = client.get("/editorial/articles/new/").content.decode()
    assert 'name="title"' in page and 'name="preview"' in page and "0 words" in page
    response = client.post("/editorial/articles/new/", form_data(section, save="1"))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/editorial/articles/{article.pk}/"
    assert article.slug == "bridge-reopened" and article.state == "published"
    revision = ArticleRevision.objects.get()
    assert revision.editor == editor and revision.data["body"] == BODY and "title" in revision.changed


def test_the_preview_button_works_without_javascript_and_saves_nothing(client, editor, section, make_article):
    article = make_article(title="Old title", body="Old text.")
    client.force_login(editor)
    response = client.post(f"/editorial/articles/{article.pk}/", form_data(section, title="New title", preview="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<figcaption class="attribution"' in page and 'id="p-' in page  # rendered as published
    assert "15 words" in page
    article.refresh_from_db()
    assert article.title == "Old title" and article.body == "Old text."
    assert not ArticleRevision.objects.exists()


def test_the_preview_equals_the_published_page(client, editor, section):
    client.force_login(editor)
    client.post("/editorial/articles/new/", form_data(section, save="1"))
    article = Article.objects.get()
    published = Client().get(article.get_absolute_url()).content.decode()
    story = re.search(r'<div class="story-body" id="story-body"[^>]*>(.*?)</div>\n', published, re.S).group(1)
    live = client.post("/editorial/preview/", {"body": BODY, "article": article.pk}).json()
    assert live["html"] == story and live["words"] == 15
    button = client.post(f"/editorial/articles/{article.pk}/", form_data(section, preview="1")).content.decode()
    shown = re.search(r'<div class="story-body" id="ed-preview-body">(.*?)</div></article>', button, re.S).group(1)
    assert shown == story
    assert 'id="p-' in story and '<figure class="quotation">' in story


def test_word_count():
    assert word_count("") == 0
    assert word_count("**Bold** words, don’t re-count — this: 3 items.\n\n> quoted") == 8
    assert word_count("Слово и ещё одно") == 4


def test_autosave_keeps_a_draft_offered_on_return(client, editor, make_article):
    article = make_article(title="Saved title", body="Saved body.")
    client.force_login(editor)
    response = client.post("/editorial/autosave/", {"article": article.pk, "title": "Saved title",
                                                    "body": "Unsaved words in progress.", "lead": "", "slug": article.slug},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and "saved_at" in response.json()
    draft = EditorDraft.objects.get()
    assert draft.editor == editor and draft.article == article and draft.data["body"] == "Unsaved words in progress."
    article.refresh_from_db()
    assert article.body == "Saved body."  # a draft is nobody's article yet
    page = client.get(f"/editorial/articles/{article.pk}/").content.decode()
    assert 'id="draft-offer"' in page and "Unsaved words in progress." not in page
    restored = client.get(f"/editorial/articles/{article.pk}/?draft=1").content.decode()
    assert "Unsaved words in progress." in restored and 'id="draft-offer"' not in restored
    # Another editor does not see it.
    other = type(editor).objects.create_user("editor2", "e2@example.org", "correct horse battery")
    other.user_permissions.add(*editor.user_permissions.all())
    c2 = Client()
    c2.force_login(other)
    assert 'id="draft-offer"' not in c2.get(f"/editorial/articles/{article.pk}/").content.decode()
    # Saving the article is the end of the draft.
    client.post(f"/editorial/articles/{article.pk}/", form_data(article.section, title="Saved title",
                                                                 body="Final.", slug=article.slug, save="1"))
    assert not EditorDraft.objects.exists()


def test_a_new_articles_draft_and_discarding_it(client, editor):
    client.force_login(editor)
    client.post("/editorial/autosave/", {"article": "", "title": "Half an idea", "body": "…"})
    assert 'id="draft-offer"' in client.get("/editorial/articles/new/").content.decode()
    client.post("/editorial/articles/new/draft/discard/")
    assert not EditorDraft.objects.exists()


def test_autosave_refuses_bad_input_and_needs_the_csrf_token(editor, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post("/editorial/autosave/", {"title": "x"}).status_code == 403
    assert not EditorDraft.objects.exists()
    client = Client()
    client.force_login(editor)
    too_long = client.post("/editorial/autosave/", {"title": "x" * 251}, HTTP_ACCEPT="application/json")
    assert too_long.status_code == 400 and too_long.json()["field"] == "title"
    assert not EditorDraft.objects.exists()
    settings.VECHE_RATE_LIMITS = True
    codes = [client.post("/editorial/autosave/", {"body": f"v{n}"}).status_code for n in range(32)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    assert EditorDraft.objects.get().data["body"] == "v29"


def test_history_diff_and_restore(client, editor, section, django_capture_on_commit_callbacks):
    from core import pagecache

    client.force_login(editor)
    client.post("/editorial/articles/new/", form_data(section, body="Line one.\n\nLine two.", save="1"))
    article = Article.objects.get()
    client.post(f"/editorial/articles/{article.pk}/", form_data(section, slug=article.slug,
                                                                 body="Line one.\n\nLine 2, changed.", save="1"))
    first, second = ArticleRevision.objects.order_by("id")
    assert second.changed == ["body"]
    history = client.get(f"/editorial/articles/{article.pk}/history/").content.decode()
    assert '<span class="d-del">-Line two.</span>' in history
    assert '<span class="d-add">+Line 2, changed.</span>' in history
    assert "editor" in history
    generation = pagecache.generation(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/editorial/revisions/{first.pk}/restore/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Line one.\n\nLine two." and "Line two." in article.body_html
    assert pagecache.generation(article.pk) != generation  # through do_save_article: pages anew
    third = ArticleRevision.objects.order_by("id").last()
    assert third.note == f"restored revision {first.pk}" and third.changed == ["body"]
    assert "Line two." in Client().get(article.get_absolute_url()).content.decode()


def test_an_admin_save_is_a_revision_and_the_admin_links_to_the_workspace(client, make_member, make_article):
    from django.contrib.auth.models import Permission

    article = make_article(title="Admin title", body="Before.")
    staff = make_member("staffer", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["change_article", "view_article"]))
    client.force_login(staff)
    page = client.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()
    assert f'href="/editorial/articles/{article.pk}/"' in page and f'href="/editorial/articles/{article.pk}/images/"' in page
    data = {"title": "Admin title", "slug": article.slug, "section": article.section_id, "lead": "",
            "body": "After.", "state": "published", "published_at_0": "2026-01-02", "published_at_1": "10:00:00",
            "source_url": "", "comments_open": "on", "comments_close_after_days": "", "language": "en"}
    response = client.post(f"/admin/newsroom/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = ArticleRevision.objects.get()
    assert revision.editor == staff and revision.note == "saved in the admin"
    assert "body" in revision.changed and "title" not in revision.changed
    article.refresh_from_db()
    assert "After." in article.body_html
