"""Backup and restore, tried once on the database of the current pass."""

import json
import subprocess
import sys

from e2e.server import ROOT, environment, prepare


def veche(env, *args):
    return subprocess.run([sys.executable, "-m", "config.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True).stdout


def count_comments(env) -> int:
    out = veche(env, "shell", "-c", "from discussion.models import Comment; print(Comment.objects.count())")
    return int(out.strip().splitlines()[-1])


def test_backup_then_restore_brings_the_content_back(tmp_path):
    env = environment(tmp_path, db_name="veche_backup_test")
    env.pop("VECHE_REDIS_URL", None)
    prepare(env, None)
    before = count_comments(env)
    assert before > 0
    backup = tmp_path / "veche.backup"
    veche(env, "backup", str(backup))
    assert backup.stat().st_size > 0
    veche(env, "shell", "-c", "from discussion.models import Comment; Comment.objects.all().delete()")
    assert count_comments(env) == 0
    veche(env, "restore", str(backup))
    assert count_comments(env) == before
    titles = veche(env, "shell", "-c",
                   "import json; from newsroom.models import Article; "
                   "print(json.dumps(sorted(Article.objects.values_list('title', flat=True))))")
    assert "How the railway reached the town in 1898" in json.loads(titles.strip().splitlines()[-1])
