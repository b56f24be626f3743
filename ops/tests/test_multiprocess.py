"""Several uvicorn workers: `veche serve` gives them a directory of this run's for their
metrics, emptied at start, and /metrics adds every worker's counts up (a dead worker's open
streams are dropped, its counts kept)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.management.commands import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_dir(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)


def test_one_worker_counts_in_its_memory(no_dir, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert serve.metrics_dir(1, 8000) is None
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    assert not (tmp_path / "metrics").exists()


def test_several_workers_get_a_directory_emptied_at_start(no_dir, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    stale = tmp_path / "metrics" / "serve-8123" / "counter_4242.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"last run's counts")
    other = tmp_path / "metrics" / "serve-8124" / "counter_1.db"  # another server on this machine
    other.parent.mkdir(parents=True)
    other.write_bytes(b"x")
    path = serve.metrics_dir(3, 8123)
    assert path == tmp_path / "metrics" / "serve-8123" and path.is_dir()
    assert list(path.iterdir()) == []
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(path)
    assert other.exists()
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")


def test_a_directory_the_operator_named_is_theirs(settings, tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "counter_1.db").write_bytes(b"x")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(mine))
    assert serve.metrics_dir(4, 8000) == mine
    assert (mine / "counter_1.db").exists()


WORKER = """
import django, os, sys
django.setup()
from ops import metrics
metrics.COMMENTS.labels("visible").inc({n})
metrics.SSE_OPEN.inc({streams})
metrics.count_request("newsroom:article", "GET", 200, 0.004)
if {last}:
    sys.stdout.buffer.write(metrics.exposition())
"""


def _worker(directory: Path, n: int, streams: int, last: bool) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory),
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    code = WORKER.format(n=n, streams=streams, last=last)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_metrics_are_added_up_across_workers(tmp_path):
    first = _worker(tmp_path, 2, 5, last=False)  # a worker that has since ended
    assert first == ""
    text = _worker(tmp_path, 3, 1, last=True)
    assert 'veche_comments_posted_total{status="visible"} 5.0' in text
    assert 'veche_http_requests_total{method="GET",route="newsroom:article",status="200"} 2.0' in text
    assert 'veche_http_request_duration_seconds_count{route="newsroom:article"} 2.0' in text
    # The ended worker's streams are gone with it (the reading process still holds its one).
    assert "veche_sse_streams_open 1.0" in text
