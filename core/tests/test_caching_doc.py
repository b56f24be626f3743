"""docs/caching.md and the caches that exist agree."""

import re
from pathlib import Path

from core import memo

DOC = Path(__file__).resolve().parents[2] / "docs" / "caching.md"


def _rows(layer: str) -> list[str]:
    """The keys (the backticked names of the key column) of the table's rows of a layer."""
    names = []
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] == layer:
            found = re.findall(r"`([^`]+)`", cells[1])
            assert found, f"a {layer} row without a `key`: {line}"
            names.extend(found)
    return names


def test_every_process_cache_has_a_row_and_every_row_a_cache():
    import importlib

    root = DOC.parents[1]
    for path in root.glob("*/**/*.py"):  # every product module, so each registers what it keeps
        if {".venv", "tests", "bench", "migrations", "e2e", "security", "settings"} & set(path.parts):
            continue
        if path.parts[-2] == "commands" or path.name in ("conftest.py", "wsgi.py", "asgi.py"):
            continue
        importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
    documented = _rows("process")
    assert len(documented) == len(set(documented)), "a cache is listed twice"
    registered = set(memo.names())
    assert registered - set(documented) == set(), "registered but not in docs/caching.md"
    assert set(documented) - registered == set(), "in docs/caching.md but not registered"


def test_every_row_says_who_may_see_it_how_stale_and_what_empties_it():
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in ("process", "shared", "redis"):
            assert all(cells), f"an empty cell: {line}"


def test_the_three_version_counters_are_described():
    text = DOC.read_text()
    for counter in ("| thread version |", "| order version |", "| page generation |"):
        assert counter in text


def test_shared_cache_keys_in_the_code_are_in_the_table():
    """Every key prefix written in a module that uses the shared cache is a row of the table."""
    root = DOC.parents[1]
    documented = {re.split(r"[:<]", name)[0] for name in _rows("shared") + _rows("redis")}
    prefix = re.compile(r"""f["']([a-z][a-z-]*):\{|CACHE_KEY = ["']([a-z-]+)["']""")
    missing, seen = set(), set()
    for path in root.glob("*/**/*.py"):
        if {".venv", "tests", "bench", "migrations"} & set(path.parts):
            continue
        text = path.read_text()
        if "django.core.cache import" not in text:
            continue
        for found in prefix.findall(text):
            name = found[0] or found[1]
            seen.add(name)
            if name not in documented:
                missing.add((str(path.relative_to(root)), name))
    assert missing == set()
    assert {"thread", "api", "unread", "ban", "can-moderate", "word-rules", "seen", "fpgen", "fp"} <= seen
