"""A server process loads its languages, views and templates at its start (config.warm), and
a failure there never keeps it from starting."""

import asyncio

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from config import warm
from config.front import Front


def _lifespan() -> list[str]:
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    asyncio.run(Front._lifespan(receive, send))
    return sent


@pytest.fixture
def no_thread(monkeypatch):
    from core.background import background

    monkeypatch.setattr(background, "start", lambda: None)
    monkeypatch.setattr(background, "flush", lambda: None)


def test_the_start_loads_every_language_before_it_answers(no_thread, monkeypatch, settings):
    settings.LANGUAGES = [("en", "English"), ("ru", "Русский")]
    monkeypatch.setattr(trans_real, "_translations", {})  # as in a new process
    before = []
    real = warm.warm_up

    def watched():
        before.append(set(trans_real._translations))
        return real()

    monkeypatch.setattr(warm, "warm_up", watched)
    assert _lifespan() == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert before == [set()]  # nothing loaded before it ran
    assert {"en", "ru"} <= set(trans_real._translations)  # both loaded before the first request
    with translation.override("ru"):
        assert translation.gettext("Reply") != "Reply"


def test_a_failing_warm_up_still_starts_the_server(no_thread, monkeypatch, caplog):
    monkeypatch.setattr(warm, "MODULES", ("no.such.module",))
    assert warm.warm_up() >= 0  # logged, not raised
    assert "warm-up failed" in caplog.text
    assert _lifespan() == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_every_module_and_template_it_names_exists():
    from django.template.loader import get_template

    for name in warm.MODULES:
        __import__(name)
    for name in warm.TEMPLATES:
        get_template(name)
