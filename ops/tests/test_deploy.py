"""What docs/deploy.md and the Dockerfile promise. The Dockerfile, read (Docker does not run
here): built from the repository with nothing fetched but packages, run as a user that is not
root, serving on an exposed port; the systemd unit runs `veche serve` as a user too; every
metric is described."""

import json
import re
import shlex
from pathlib import Path

from ops import metrics

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_it_builds_on_python_3_11_slim_from_the_repository():
    steps = instructions()
    froms = [rest for word, rest in steps if word == "FROM"]
    assert froms == ["python:3.11-slim"]
    runs = " ".join(rest for word, rest in steps if word == "RUN")
    assert re.search(r"pip install (-c constraints\.txt )?\.(\s|$)", runs)
    assert ("COPY", ". .") in steps


def test_nothing_is_fetched_but_packages():
    steps = instructions()
    text = " ".join(rest for _, rest in steps).lower()
    for fetcher in ("curl", "wget", "git clone", "apt-get", "http://", "https://"):
        if fetcher == "http://":  # the health check asks the container itself
            text = text.replace("http://127.0.0.1:8000/healthz", "")
        assert fetcher not in text, fetcher
    assert not any(word == "ADD" for word, _ in steps)


def test_it_runs_as_a_user_that_is_not_root_serving_on_an_exposed_port():
    steps = instructions()
    users = [(i, rest) for i, (word, rest) in enumerate(steps) if word == "USER"]
    assert users, "no USER"
    last_user_at, user = users[-1]
    assert user not in ("root", "0", "0:0") and not user.startswith("root:")
    cmd_at, cmd = next((i, rest) for i, (word, rest) in enumerate(steps) if word == "CMD")
    assert last_user_at < cmd_at
    argv = json.loads(cmd)  # the exec form: signals reach veche serve, not a shell
    assert argv[:4] == ["veche", "serve", "--host", "0.0.0.0"]
    port = argv[argv.index("--port") + 1] if "--port" in argv else "8000"
    exposed = [rest.split("/")[0] for word, rest in steps if word == "EXPOSE"]
    assert exposed == [port]
    assert not any(word == "ENTRYPOINT" for word, _ in steps)


def test_no_secret_is_baked_into_the_image():
    steps = instructions()
    env = " ".join(rest for word, rest in steps if word in ("ENV", "ARG"))
    assert "SECRET" not in env and "PASSWORD" not in env and "TOKEN" not in env
    assert "VECHE_LOG_FORMAT=json" in env  # a container's logs are read by a machine


def test_the_build_context_leaves_out_the_local_environment():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "var"} <= ignored
    # …but keeps what `pip install .` needs.
    assert not {"README.md", "pyproject.toml", "constraints.txt", "config", "core", "ops"} & ignored


def test_the_systemd_unit_runs_veche_serve_as_a_user():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    unit = re.search(r"```ini\n(# /etc/systemd/system/veche\.service.*?)```", guide, re.S).group(1)
    fields = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    argv = shlex.split(fields["ExecStart"])
    assert argv[0].endswith("/veche") and argv[1] == "serve"
    assert fields["User"] not in ("root", "0")
    assert fields.get("Restart") in ("always", "on-failure")


def test_every_metric_is_described_in_the_deploy_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    names = [m._name for m in vars(metrics).values() if hasattr(m, "_name") and hasattr(m, "_type")]
    assert len(names) >= 11
    for name in names:
        assert name in guide, name
