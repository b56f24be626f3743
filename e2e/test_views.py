"""Page views through a real `veche serve` process: every view of a clean run reaches the
database by the time the process has stopped, and the article, the listings and the API show
one number."""

import json
import re
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from e2e.server import ROOT, VECHE, Server, environment, prepare

SLUG = "how-the-railway-reached-the-town-in-1898"


@pytest.fixture(scope="module")
def views_env(tmp_path_factory, browser):
    """A database of its own (the demo content): no other test's views reach it."""
    var = tmp_path_factory.mktemp("veche-views")
    env = environment(var, db_name="veche_e2e_views")
    prepare(env, None)
    yield env
    shutil.rmtree(var, ignore_errors=True)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def stored_views(env: dict) -> int:
    """The article's count in the database, read by a process of its own."""
    code = f"from newsroom.models import Article; print(Article.objects.get(slug={SLUG!r}).views)"
    out = subprocess.run([*VECHE, "shell", "-c", code], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=120)
    return int(out.stdout.strip().splitlines()[-1])


def shown_everywhere(base: str) -> dict[str, int]:
    """The article's view count on its page, the front page, its section's page and the API
    (reading the article page is itself a view)."""
    api = json.loads(get(f"{base}/api/v1/articles/{SLUG}/"))
    listed = next(a for a in json.loads(get(f"{base}/api/v1/articles/"))["results"] if a["slug"] == SLUG)

    def on_card(html: str) -> int:
        card = html[html.index(f'href="/articles/{SLUG}/"'):]
        return int(re.search(r'<span title="Views">(\d+) view', card).group(1))

    page = get(f"{base}/articles/{SLUG}/")
    return {
        "article": int(re.search(r'<span class="views">(\d+) view', page).group(1)),
        "front": on_card(get(f"{base}/")),
        "section": on_card(get(f"{base}/section/{api['section']['slug']}/")),
        "api": api["views"],
        "api list": listed["views"],
    }


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_clean_stop_loses_no_view_and_every_page_shows_one_number(views_env, stop):
    before = stored_views(views_env)
    # A timer that never comes round: only the stop can write these views.
    server = Server({**views_env, "VECHE_VIEW_FLUSH_SECONDS": "3600"})
    try:
        n = 30  # the first page is rendered, the others come from the page cache
        for _ in range(n):
            get(f"{server.url}/articles/{SLUG}/")
        shown = shown_everywhere(server.url)  # one more view of the article
        assert set(shown.values()) == {before}, shown  # the views waiting in memory: nowhere yet
    finally:
        server.kill(stop)
    # Stopped by the signal after its shutdown (uvicorn raises it again once done), not killed.
    assert server.proc.returncode in (0, -stop), server.log.read_text()[-2000:]
    assert stored_views(views_env) == before + n + 1


def test_views_reach_the_database_within_seconds_while_serving(views_env):
    server = Server({**views_env, "VECHE_VIEW_FLUSH_SECONDS": "1"})
    try:
        before = json.loads(get(f"{server.url}/api/v1/articles/{SLUG}/"))["views"]
        for _ in range(12):
            get(f"{server.url}/articles/{SLUG}/")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = json.loads(get(f"{server.url}/api/v1/articles/{SLUG}/"))["views"]
            if now == before + 12:
                break
            time.sleep(0.2)
        assert now == before + 12
        assert stored_views(views_env) == before + 12  # written, not only counted
    finally:
        server.kill(signal.SIGKILL)  # no clean stop: what the timer wrote is there already
