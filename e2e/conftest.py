"""Browser tests: Playwright for Python driving Debian's Chromium against real Veche servers."""

import os
import shutil
from pathlib import Path

import pytest

from conftest import SHARED
from e2e.server import Server, environment, prepare

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SEED_SLUG = "azerbaijans-new-act-of-aggression-against-armenia-only-moscow-can-stop-baku"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing at /usr/bin/chromium (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def seed_dir():
    folder = SHARED / "seed"
    if not folder.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{folder} is missing")
        pytest.skip(f"{folder} is not on this machine")
    return folder


@pytest.fixture(scope="session")
def site(tmp_path_factory, seed_dir, browser):
    """One Veche server with the seed and the demo content, for the whole browser session."""
    var = tmp_path_factory.mktemp("veche-site")
    env = environment(var)
    prepare(env, seed_dir)
    server = Server(env)
    yield server
    server.kill()
    shutil.rmtree(var, ignore_errors=True)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    errors = []
    p.on("pageerror", lambda e: errors.append(str(e)))

    def on_dialog(dialog):
        if dialog.type == "confirm" and dialog.message.startswith("Delete your comment"):
            dialog.accept()
        else:  # any other dialog (an alert from injected script, say) fails the test
            errors.append(f"dialog: {dialog.type} {dialog.message}")
            dialog.dismiss()

    p.on("dialog", on_dialog)
    yield p
    assert not errors, errors


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


_counter = {"n": 0}


def unique_login(prefix: str = "reader") -> str:
    _counter["n"] += 1
    return f"{prefix} {os.getpid() % 10000}-{_counter['n']}"


def sign_up(page, base: str, login: str, next_path: str = "/") -> None:
    page.goto(f"{base}/signup/?next={next_path}")
    page.fill("#id_login", login)
    page.fill("#id_real_name", "Test Reader")
    page.fill("#id_password", "a long enough passphrase")
    page.click("button:has-text('Create my account')")
    page.wait_for_load_state()
