"""Every message in the source has a Russian translation that is not fuzzy and keeps the
msgid's placeholders; every app with messages has its catalog.

The messages are gathered from the source itself (xgettext through Django's makemessages, in
a scratch copy of each app's catalog), so a string wrapped today and not translated fails here,
not in front of a Russian reader."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# Every app with a Russian catalog (apps added later bring their own), at least these.
APPS = sorted(p.parents[3].name for p in ROOT.glob("*/locale/ru/LC_MESSAGES/django.po"))
CORE_APPS = {"config", "core", "accounts", "newsroom", "discussion", "moderation", "live", "ops", "imports"}
TRANSLATED = re.compile(r"\b(gettext|ngettext|pgettext|gettext_lazy|gettext_noop)\b|\{% (translate|blocktranslate|trans|blocktrans) ")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|%[sdr]|\{(\w*)\}")


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", "")))


def catalog(app: str) -> Path:
    return ROOT / app / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def problems(po: polib.POFile) -> list[str]:
    found = []
    for e in po:
        if e.obsolete:
            continue
        where = f"{e.msgctxt + ' | ' if e.msgctxt else ''}{e.msgid!r}"
        if "fuzzy" in e.flags:
            found.append(f"fuzzy: {where}")
        if e.msgid_plural:
            forms = [e.msgstr_plural.get(i, "") for i in range(3)]
            if not all(forms):
                found.append(f"a plural form missing: {where}")
                continue
            # Each form says the number, and names nothing the msgid does not give it.
            names = set(placeholders(e.msgid_plural))
            for form in forms:
                if not set(placeholders(form)) <= names or not placeholders(form):
                    found.append(f"placeholders differ: {where} → {form!r}")
        elif not e.msgstr:
            found.append(f"untranslated: {where}")
        elif placeholders(e.msgid) != placeholders(e.msgstr):
            found.append(f"placeholders differ: {where} → {e.msgstr!r}")
    return found


def test_every_app_with_messages_has_a_russian_catalog():
    assert set(APPS) >= CORE_APPS
    for apps_py in ROOT.glob("*/apps.py"):
        app = apps_py.parent
        speaks = any(TRANSLATED.search(f.read_text(errors="replace"))
                     for f in [*app.rglob("*.py"), *app.rglob("*.html"), *app.rglob("*.txt")]
                     if "tests" not in f.parts and "migrations" not in f.parts)
        assert not speaks or app.name in APPS, f"{app.name} has messages but no locale/ru/LC_MESSAGES/django.po"


def test_the_plural_rule_is_russian_s_three_forms():
    for app in APPS:
        po = polib.pofile(str(catalog(app)))
        assert po.metadata.get("Plural-Forms", "").startswith("nplurals=3;"), app
        assert not po.metadata_is_fuzzy, f"{app}: a fuzzy header is skipped by msgfmt (no plural rule)"


@pytest.mark.parametrize("app", APPS)
def test_every_message_of_the_source_is_translated(app, tmp_path):
    """makemessages into a copy of the app, then the copy's catalog is checked: what the source
    says now, not what the committed catalog remembers."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext is missing (apt-get install gettext)")
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo"))
    subprocess.run(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "django-admin"), "makemessages", "-l", "ru", "--no-obsolete",
         "--settings=config.settings.test", "-i", "migrations/*", "-v0"],
        cwd=copy, check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                   "VECHE_VAR_DIR": str(tmp_path / "var")})
    po = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    assert problems(po) == []


def test_the_check_finds_what_it_must():
    """The checker itself: an untranslated, a fuzzy and a placeholder-losing entry fail."""
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Hello", msgstr=""))
    po.append(polib.POEntry(msgid="Hi %(name)s", msgstr="Привет", flags=[]))
    po.append(polib.POEntry(msgid="Bye", msgstr="Пока", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="%(n)s vote", msgid_plural="%(n)s votes",
                            msgstr_plural={0: "%(n)s голос", 1: "%(n)s голоса", 2: ""}))
    po.append(polib.POEntry(msgid="Fine %(x)s", msgstr="Хорошо %(x)s"))
    found = problems(po)
    assert len(found) == 4
    assert any(f.startswith("untranslated") for f in found)
    assert any(f.startswith("fuzzy") for f in found)
    assert any(f.startswith("placeholders differ") for f in found)
    assert any(f.startswith("a plural form missing") for f in found)
