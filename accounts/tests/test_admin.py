"""The admin speaks English: no model named by Django's guess at a plural."""

import re

from django.apps import apps


def test_no_model_has_a_guessed_plural_like_entrys():
    for model in apps.get_models():
        plural = str(model._meta.verbose_name_plural)
        assert not re.search(r"[^aeiou]ys$", plural), (model._meta.label, plural)


def test_the_admin_index_says_log_entries(client, make_member):
    admin = make_member("boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert "Log entries" in html and "entrys" not in html.lower()
    assert "entrys" not in client.get("/admin/moderation/logentry/").content.decode().lower()
