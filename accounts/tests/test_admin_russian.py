"""The admin in Russian: Veche's model and field names are translated, none left in English."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import translation

# Veche's own apps (Django's contrib apps bring their own Russian).
VECHE_APPS = {"accounts", "core", "curation", "discussion", "editorial", "moderation", "newsroom", "notify",
              "search", "visits", "webhooks"}
# Names that read the same in Russian as in English: none so far. A name may be listed here
# only when the Russian word really is the English one (a brand, an abbreviation).
SAME_IN_RUSSIAN: set[str] = set()
# The apps whose every field name is checked (the moderators' and the discussion's admin
# pages); in Veche's other apps the fields an admin form shows.
FIELDS_CHECKED = {"discussion", "moderation"}


def _names(model) -> list[tuple[str, str]]:
    """(English, Russian) of a model's names and of its fields' names: every field in
    FIELDS_CHECKED, the fields an admin form shows (editable) in Veche's other apps."""
    meta = model._meta
    lazy = [meta.verbose_name, meta.verbose_name_plural]
    if meta.app_label in VECHE_APPS:
        lazy += [f.verbose_name for f in meta.get_fields() if getattr(f, "verbose_name", None)
                 and not f.auto_created and (f.editable or meta.app_label in FIELDS_CHECKED)]
    with translation.override("en"):
        english = [str(n) for n in lazy]
    with translation.override("ru"):
        russian = [str(n) for n in lazy]
    return list(zip(english, russian, strict=True))


def _veche_models():
    return [m for m in apps.get_models() if m._meta.app_label in VECHE_APPS]


def test_every_registered_model_and_every_veche_model_is_named_in_russian():
    models = set(admin.site._registry) | set(_veche_models())
    assert len(models) > 20
    for model in models:
        for english, russian in _names(model):
            assert russian != english or english in SAME_IN_RUSSIAN, (model._meta.label, english)


def test_discussion_and_moderation_field_names_are_all_checked():
    from discussion.models import Comment
    from moderation.models import LogEntry

    pairs = dict(_names(Comment)) | dict(_names(LogEntry))
    assert pairs["posted"] == "опубликован" and pairs["moderation reason"] == "причина модерации"
    assert pairs["action"] == "действие" and pairs["log entries"] == "записи журнала"


@pytest.fixture
def boss(client, make_member):
    member = make_member("boss", is_staff=True, is_superuser=True, language="ru")
    client.force_login(member)
    return member


ENGLISH_NAMES = ["Comments", "Votes", "Quotes", "Comment revisions", "Reports", "Bans", "Word rules",
                 "Brigade cases", "Log entries"]


def test_the_admin_index_names_discussion_and_moderation_models_in_russian(client, boss):
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    for word in ["Комментарии", "Жалобы", "Баны", "Правила для слов", "Случаи накрутки", "Записи журнала"]:
        assert word in html, word
    for word in ENGLISH_NAMES:
        assert f">{word}<" not in html, word


def test_the_same_admin_index_in_english_for_an_english_reader(client, make_member):
    member = make_member("boss", is_staff=True, is_superuser=True, language="en")
    client.force_login(member)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log entries" in html and "Brigade cases" in html
    assert "Записи журнала" not in html and "Комментарии" not in html


@pytest.mark.parametrize(("url", "words"), [
    ("/admin/discussion/comment/", ["Комментарии"]),
    ("/admin/moderation/report/", ["Жалобы"]),
    ("/admin/moderation/ban/", ["Баны"]),
    ("/admin/moderation/wordrule/", ["Правила для слов"]),
    ("/admin/moderation/brigadecase/", ["Случаи накрутки"]),
    ("/admin/moderation/logentry/", ["Записи журнала"]),
])
def test_each_changelist_is_in_russian(client, boss, url, words):
    r = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 200
    html = r.content.decode()
    for word in words:
        assert word in html, (url, word)
    for word in ENGLISH_NAMES:
        assert f">{word}<" not in html, (url, word)


def test_the_change_forms_show_russian_field_names(client, boss, article, alice, post):
    from moderation.models import WordRule

    comment = post(alice, article, "Hello there.")
    html = client.get(f"/admin/discussion/comment/{comment.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Изменить комментарий" in html and "Текст" in html and "Статус" in html
    assert ">Body:<" not in html and ">Status:<" not in html and ">Moderation reason:<" not in html
    rule = WordRule.objects.create(rule="no slurs", words="badword", kind=WordRule.Kind.BANNED)
    html = client.get(f"/admin/moderation/wordrule/{rule.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Правило" in html and "Слова" in html and "Вид" in html
    assert ">Rule:<" not in html and ">Words:<" not in html and ">Kind:<" not in html
    from moderation.models import Ban

    ban = Ban.objects.create(member=alice, reason="spam")
    html = client.get(f"/admin/moderation/ban/{ban.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Охват" in html and "Причина" in html and ">Scope:<" not in html and ">Reason:<" not in html
