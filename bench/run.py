"""`make bench`: Veche measured beside nginx (the same bytes as a static file) and Isso, in
the same run, on this machine. Prints one table; `--write` also saves docs/performance.md.

    python -m bench.run            # the full run (several minutes)
    python -m bench.run --smoke    # seconds: small sizes, short loads; CI runs it, never asserts speed
"""

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VECHE_SHARED_DIR", ROOT.parent / "shared"))
PEERS = SHARED / "peers"
RESULTS: list[tuple[str, str, str, str]] = []  # (work, figure, comparison, target)
NOTES: list[str] = []


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def record(work: str, figure: str, comparison: str = "", target: str = "") -> None:
    RESULTS.append((work, figure, comparison, target))
    say(f"  {work}: {figure} {comparison}")


# --- environment -----------------------------------------------------------------------------

def environment(mode: str, var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VECHE_") or k == "VECHE_SHARED_DIR"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", "VECHE_DEBUG": "0", "VECHE_VAR_DIR": str(var),
                "VECHE_RATE_LIMITS": "0", "VECHE_SECRET_KEY": "bench-" + "k" * 50, "VECHE_LOG_LEVEL": "ERROR",
                # The live-stream load opens thousands of streams from this one address.
                "VECHE_SSE_STREAMS_PER_ADDRESS": "0"})
    if mode == "scaleout":
        env["VECHE_DATABASE_URL"] = os.environ.get("VECHE_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/veche_bench")
        env["VECHE_REDIS_URL"] = os.environ.get("VECHE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    return env


def wire_size(url: str, headers: dict, encoding: str) -> int:
    """The bytes of the page as sent in `encoding`, asked until a worker answers in it: a
    worker that has just taken the page from the shared cache sends it plain once and
    compresses it after that answer (one scale-out run measured a plain page here)."""
    for _ in range(40):
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
            body = answer.read()
            if answer.headers.get("Content-Encoding") == encoding:
                return len(body)
        time.sleep(0.05)
    raise RuntimeError(f"{url} never came {encoding}-encoded")


def veche(env: dict, *args: str, timeout: int = 3600) -> str:
    done = subprocess.run([sys.executable, "-m", "config.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"veche {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, workers: int, server: str = "uvicorn"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if server == "granian":
            cmd = [str(Path(sys.executable).parent / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
                   "--port", str(self.port), "--workers", str(workers), "--no-ws", "--log-level", "error",
                   "config.asgi:application"]
        else:
            cmd = [sys.executable, "-m", "config.cli", "serve", "--port", str(self.port), "--workers", str(workers)]
        # Its log to a file, read on failure: a pipe nobody reads fills (64 KB) and the next
        # write blocks the server — a run of the phone rows waited 180 s on a page for that.
        self.log = Path(tempfile.mkdtemp(prefix="veche-bench-server-")) / "server.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.log.read_text(errors="replace")[-2000:]) from None
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def worker_rss_mb(self) -> list[float]:
        pids = [int(p) for p in subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True,
                                               text=True).stdout.split()]
        out = []
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
            out.append((pid, rss, cmd))
        # With several workers the first process is the supervisor: report the workers.
        return [rss for pid, rss, _cmd in out if pid != self.proc.pid] or [rss for _p, rss, _c in out]

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.log.parent, ignore_errors=True)


# --- load ------------------------------------------------------------------------------------

# Each wrk run's latency distribution (url → [(p50 ms, p99 ms, max ms), …]), for the tail rows.
LATENCIES: dict[str, list[tuple[float, float, float]]] = {}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]


def wrk(url: str, seconds: int, connections: int = 8, headers: dict | None = None) -> float:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        NOTES.append(f"{url}: {errors.group(1)} non-2xx answers under load")
    p50, p99 = (re.search(rf"^\s+{q}%\s+(\S+)$", out, re.M) for q in (50, 99))
    top = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", out, re.M)
    if p50 and p99 and top and not headers:
        LATENCIES.setdefault(url, []).append((_ms(p50.group(1)), _ms(p99.group(1)), _ms(top.group(1))))
    return float(m.group(1)) if m else 0.0


def tail(url: str) -> str:
    """The p99s (and worst) of every plain wrk run of `url`: "p99 9.1 / 9.8 / 10.2 ms (max 31 ms)"."""
    runs = LATENCIES.get(url, [])
    if not runs:
        return "?"
    return (f"p50 {statistics.median(r[0] for r in runs):.1f} ms, p99 "
            f"{' / '.join(f'{r[1]:.1f}' for r in runs)} ms (max {max(r[2] for r in runs):.0f} ms)")


def wrk_posts(base: str, slug: str, cookies: list[str], seconds: int) -> tuple[float, str]:
    """Members posting comments as fast as the server takes them: wrk with a script that
    rotates the members' sessions and CSRF tokens (a C client, so the load generator does not
    take the server's CPU as a Python one would). Returns (comments/s, p50 latency)."""
    def lua(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid Lua string literal for this text

    members = ", ".join("{" + lua(c) + ", " + lua(re.search(r"csrftoken=([^;]+)", c).group(1)) + "}" for c in cookies)
    script = Path(tempfile.mkdtemp(prefix="veche-bench-post-")) / "post.lua"
    script.write_text(
        f"local members = {{{members}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n  local m = members[(n % #members) + 1]\n"
        f"  return wrk.format('POST', {lua(f'/articles/{slug}/comments/')}, {{['Cookie'] = m[1], "
        f"['X-CSRFToken'] = m[2], ['Accept'] = 'application/json', ['Referer'] = {lua(base + '/')}, "
        "['Content-Type'] = 'application/x-www-form-urlencoded'}, 'body=Under+load%2C+comment+' .. n .. '+%3Awink%3A')\n"
        "end\n")
    out = subprocess.run(["wrk", "-t2", f"-c{len(cookies)}", f"-d{seconds}s", "--latency", "-s", str(script),
                          base + "/"], capture_output=True, text=True, timeout=seconds + 60).stdout
    shutil.rmtree(script.parent, ignore_errors=True)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)$", out, re.M)  # the latency distribution's line
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        NOTES.append(f"posting under load: {errors.group(1)} answers were not 2xx")
    return (float(rate.group(1)) if rate else 0.0), (p50.group(1) if p50 else "?")


def median_wrk(url: str, seconds: int, runs: int, **kw) -> float:
    return statistics.median(wrk(url, seconds, **kw) for _ in range(runs))


def unloaded_ms(url: str, n: int = 15, headers: dict | None = None) -> float:
    times = []
    for _ in range(n):
        req = urllib.request.Request(url, headers=headers or {})
        t = time.perf_counter()
        urllib.request.urlopen(req, timeout=60).read()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


# --- peers -----------------------------------------------------------------------------------

class Peer:
    """A peer of ../shared/peers/ running until kill(): its script prints "READY <url>"; what
    it writes after that is drained (a pipe left unread would stop the peer once full), its
    errors kept in a file."""

    def __init__(self, script: str, *args: str):
        self.log = Path(tempfile.mkdtemp(prefix="veche-bench-peer-")) / "stderr.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(["bash", str(PEERS / script), *args], stdout=subprocess.PIPE,
                                         stderr=log, text=True, start_new_session=True)
        self.url = None
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{script} stopped: {self.log.read_text(errors='replace')[-2000:]}")
            if line.startswith("READY "):
                self.url = line.split(None, 1)[1].strip()
                threading.Thread(target=self._drain, daemon=True).start()
                return
        raise RuntimeError(f"{script} did not become ready")

    def _drain(self) -> None:
        for _line in self.proc.stdout:
            pass

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.log.parent, ignore_errors=True)


# --- the run ---------------------------------------------------------------------------------

def behind_nginx(mode: str, env: dict, server, slug: str, pages: Path, seconds: int, runs: int,
                 floors: list[str], br: dict, gz: dict) -> None:
    """The compressed page through nginx configured by `veche mirror-nginx`, answering from
    the pages Veche writes to disk (core.mirror), against the gzip_static floor; and the views
    nginx served, counted by Veche from its log (newsroom.viewlog).

    `floors`: the floor's addresses (nginx serving the very bytes, corked and uncorked), alive
    meanwhile. Their runs and Veche's take turns, round after round: this host's speed drifts
    by a fifth from one minute to the next, and the floor measured minutes apart read as
    Veche 0.88-0.92 x of it where, taking turns on the same files, the two were equal."""
    brotli = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so").exists()
    work = Path(tempfile.mkdtemp(prefix="veche-bench-front-"))
    port = free_port()
    conf = veche(env, "mirror-nginx", "--http", *(["--brotli"] if brotli else []), "--whole", f"127.0.0.1:{port}",
                 "--app", f"127.0.0.1:{server.port}", "--work", str(work))
    (work / "nginx.conf").write_text(conf)
    proc = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/articles/{slug}/"
    try:
        deadline = time.monotonic() + 20
        while True:  # until nginx answers from disk (Veche's answers carry a request id)
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=gz), timeout=5) as r:
                    if r.headers.get("X-Request-ID") is None:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("nginx in front never answered from Veche's pages on disk")
            time.sleep(0.1)
        views_before = article_views(server.url, slug)
        log_file = Path(env["VECHE_VIEW_LOG"]) if env.get("VECHE_VIEW_LOG") else None  # a line a page from disk
        lines_before = _lines(log_file) if log_file else 0
        started = time.monotonic()
        floor_runs: list[list[float]] = [[] for _ in floors]
        br_runs: list[float] = []
        gz_runs: list[float] = []
        # Three times the rounds, each a third as long: the same time, in shorter turns. On a
        # shared host the same floor read 24,000 and 79,000 req/s a minute apart (run 38): taken
        # in short turns, each round's figures are taken under the same weather.
        seconds, runs = max(seconds // 3, 1), runs * 3
        for _ in range(runs):
            for i, floor in enumerate(floors):
                floor_runs[i].append(wrk(floor, seconds, headers=gz))
            if brotli:
                br_runs.append(wrk(url, seconds, headers=br))
            gz_runs.append(wrk(url, seconds, headers=gz))
        got_br = statistics.median(br_runs) if br_runs else None
        got_gz = statistics.median(gz_runs)
        served = sum(br_runs) * seconds + sum(gz_runs) * seconds  # about: each run's rate × its time
        time.sleep(6)  # the last views: nginx's buffer (1 s), Veche's reading (1 s), its writing (3 s)
        counted = article_views(server.url, slug) - views_before
        from_disk = _lines(log_file) - lines_before if log_file else None
        elapsed = time.monotonic() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    floor = max(floor_runs, key=statistics.median)  # nginx's better way is the floor
    floor_rps = statistics.median(floor)
    best = min(x for x in (got_br, got_gz) if x is not None)
    paired = statistics.median(g / f for g, f in zip(gz_runs, floor, strict=True) if f)  # round by round
    record(f"[{mode}] the same page compressed, nginx in front answering from the pages Veche writes to disk "
           f"(brotli / gzip)", f"{got_br:,.0f} / {got_gz:,.0f} req/s" if got_br else f"{got_gz:,.0f} req/s (gzip)",
           f"{best / floor_rps:.2f} × nginx gzip_static ({floor_rps:,.0f} req/s, the same bytes; gzip against the "
           f"floor round by round: {paired:.2f} ×; in turns of {seconds} s: "
           f"gzip runs {', '.join(f'{r:,.0f}' for r in gz_runs)}; the floor's {', '.join(f'{r:,.0f}' for r in floor)})"
           f"; views counted from nginx's log: {counted:,} of about {served:,.0f} served, counted within "
           f"{elapsed:.0f} s; answered from disk: "
           + (f"{from_disk:,} ({min(from_disk / counted, 1):.1%} of the views; the rest Veche answered while a page "
              f"was away from disk)" if from_disk is not None and counted > 0 else "not known (no view log)"),
           "≥ 1.0 × nginx gzip_static")


def _lines(path: Path) -> int:
    """How many lines a file holds (0 when there is none)."""
    if not path.is_file():
        return 0
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


@contextlib.contextmanager
def uncorked_floor(root: Path) -> Iterator[str]:
    """nginx gzip_static serving `root` as ../shared/peers/nginx-static.sh does, but with
    tcp_nopush off, while the block runs: the address of `root`/page.html."""
    work = Path(tempfile.mkdtemp(prefix="veche-bench-floor-"))
    port = free_port()
    (work / "nginx.conf").write_text(
        f"worker_processes 2;\npid {work}/nginx.pid;\nerror_log {work}/error.log warn;\n"
        "events { worker_connections 4096; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; sendfile on; tcp_nopush off; gzip_static on; "
        f"gzip_vary on; keepalive_requests 100000; client_body_temp_path {work}/b; proxy_temp_path {work}/p; "
        f"fastcgi_temp_path {work}/f; uwsgi_temp_path {work}/u; scgi_temp_path {work}/s; "
        f"server {{ listen 127.0.0.1:{port}; root {root}; }} }}\n")
    proc = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/page.html"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the uncorked nginx floor never answered") from None
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def article_views(base: str, slug: str) -> int:
    with urllib.request.urlopen(f"{base}/api/v1/articles/{slug}/", timeout=30) as r:
        return int(json.loads(r.read())["views"])


def in_process(env: dict, sizes: dict, smoke: bool) -> dict:
    """Seed, then measure server times inside a Django process of this mode."""
    payload = json.dumps({"sizes": sizes, "smoke": smoke})
    out = subprocess.run([sys.executable, "-m", "bench.inproc", payload], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=7200)
    sys.stderr.write(out.stderr[-4000:] if out.returncode else "".join(
        line + "\n" for line in out.stderr.splitlines() if line.startswith("  ")))
    if out.returncode:
        raise RuntimeError("in-process measurements failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_mode(mode: str, args, peers: dict) -> None:
    smoke = args.smoke
    seconds, runs = (2, 1) if smoke else (10, 3)
    workers = 1 if mode == "embedded" else args.workers
    label = "embedded (SQLite, 1 worker)" if mode == "embedded" else f"scale-out (PostgreSQL + Redis, {workers} workers)"
    say(f"\n== {label} ==")
    var = Path(tempfile.mkdtemp(prefix=f"veche-bench-{mode}-"))
    env = environment(mode, var)
    from core.scratch import recreate

    recreate(env)
    veche(env, "migrate", "--noinput", "-v0")
    veche(env, "collectstatic", "--noinput", "-v0")
    sizes = {"small": 200 if smoke else 1000, "large": 1000 if smoke else args.large,
             "filler": 20_000 if smoke else args.filler, "filler_articles": 100 if smoke else 5000}
    m = in_process(env, sizes, smoke)
    # The tasks the seeding asked for (ranks, notifications) are run before anything is
    # measured: a site minutes after a bulk load, not a worker still chewing through it while
    # the rows below are taken.
    started = time.monotonic()
    veche(env, "worker", "--batch")
    say(f"  the seeding's queued tasks run in {time.monotonic() - started:.1f} s")
    isso_ms = peers.get("isso_ms")
    cold = m["cold_render_ms"]
    record(f"[{mode}] article page, {sizes['small']:,} comments, cold render (server time)", f"{cold:.1f} ms",
           (f"{isso_ms / cold:.0f}× faster than Isso's full thread ({isso_ms:.0f} ms); " if isso_ms else "")
           + "to the answer, as the request log times it: its compressed forms and the fragments "
             "kept for the next render are made after it has left; the median of "
           + f"{len(m['cold_render_batches'])} batches at three moments of the run (their medians: "
           + ", ".join(f"{b:.1f}" for b in m["cold_render_batches"]) + " ms; the host's fixed loop before each: "
           + ", ".join(f"{b:.1f}" for b in m["host_spin_ms"]) + " ms)",
           "≤ 20 ms; ≥ 30× Isso")
    record(f"[{mode}] the same page re-rendered after a vote (server time)", f"{m['rerender_ms']:.1f} ms",
           "page and thread caches missed; unchanged comments come from the kept fragments", "≤ 20 ms")
    record(f"[{mode}] {sizes['large']:,}-comment discussion, first screen (server time)",
           f"{m['first_screen_ms']:.1f} ms", f"whole thread reachable over {m['pages']} pages", "≤ 50 ms")
    record(f"[{mode}] posting a comment to the {sizes['large']:,}-comment discussion, p50 (server time)", f"{m['post_p50_ms']:.1f} ms",
           (f"followers told after the answer in {m['post_told_ms']:.1f} ms (p50, the server's background thread, "
            f"waited for before the next post); " if mode == "embedded" else "followers told by a queued task; ")
           + f"{m['posts_per_s']:.0f}/s one after another in one process, telling included "
             f"(the sustained rate: over HTTP, below)",
           f"≤ {10 if mode == 'embedded' else 15} ms")
    record(f"[{mode}] voting, p50 (server time)", f"{m['vote_p50_ms']:.1f} ms", "", "≤ 5 ms")
    record(f"[{mode}] size: cold render with {m['filler_total']:,} comments in the database",
           f"{m['cold_render_big_db_ms']:.1f} ms", f"vs {m['cold_render_base_ms']:.1f} ms with {m['base_total']:,}, the same page", "the same")
    from bench import insight

    insight.record(m["insight"], mode, sizes["large"], m["filler_total"], record)
    if m.get("hostile"):
        worst = max(m["hostile"].items(), key=lambda kv: kv[1])
        record(f"[{mode}] slowest hostile input ({worst[0]})", f"{worst[1]:.1f} ms",
               ", ".join(f"{k} {v:.1f} ms" for k, v in m["hostile"].items() if k != worst[0]))

    # Veche writes its anonymous pages to a folder for nginx in front (core.mirror; the rows
    # "behind nginx" below); the other rows ask Veche directly.
    pages = Path(tempfile.mkdtemp(prefix="veche-bench-pages-"))
    pages.chmod(0o755)  # nginx's workers run as another user
    view_log = str(Path(tempfile.mkdtemp(prefix="veche-bench-views-")) / "views.log")  # nginx appends, Veche reads
    env = {**env, "VECHE_PAGE_MIRROR_DIR": str(pages), "VECHE_VIEW_LOG": view_log}
    server = Server(env, workers)
    try:
        page = f"{server.url}/articles/{m['small_slug']}/"
        body = urllib.request.urlopen(page).read()
        static_dir = Path(tempfile.mkdtemp(prefix="veche-bench-static-"))
        static_dir.chmod(0o755)  # nginx's workers run as another user
        (static_dir / "page.html").write_bytes(body)
        (static_dir / "page.html").chmod(0o644)
        # The compressed floor: nginx's gzip_static serving the very bytes Veche stores for this
        # page (its gzip form, level core.compress.STORED), beside the plain file.
        import gzip

        from core.compress import compress

        stored_gz = compress(body, "gzip", stored=True)
        (static_dir / "page.html.gz").write_bytes(stored_gz)
        (static_dir / "page.html.gz").chmod(0o644)
        # The page's own stylesheet, script and smilies beside it, as collected (with their
        # precompressed .gz): a phone's first paint waits for the stylesheet, so a floor
        # without it would not be the same page.
        shutil.copytree(var / "static", static_dir / "static")
        for path in (static_dir / "static").rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        gz = {"Accept-Encoding": "gzip"}
        br = {"Accept-Encoding": "br, gzip"}
        nginx = Peer("nginx-static.sh", str(static_dir), str(free_port()))
        try:
            nginx_rps = median_wrk(nginx.url + "page.html", seconds, runs)
            nginx_gz_rps = median_wrk(nginx.url + "page.html", seconds, runs, headers=gz)
            # nginx's better of its two ways: Veche's pages location sends headers uncorked
            # (ops.nginx: tcp_nopush off), so the floor is also taken that way, and the higher
            # figure is the floor.
            with uncorked_floor(static_dir) as uncorked:
                nginx_gz_rps = max(nginx_gz_rps, median_wrk(uncorked, seconds, runs, headers=gz))
                behind_nginx(mode, env, server, m["small_slug"], pages, seconds, runs,
                             [nginx.url + "page.html", uncorked], br, gz)
            if mode == "embedded" and not smoke:
                browser_side(page, nginx.url + "page.html", server.url, m)
        finally:
            nginx.kill()
        anon = median_wrk(page, seconds, runs)
        record(f"[{mode}] article page, {sizes['small']:,} comments ({len(body) // 1024} KB), anonymous, warm",
               f"{anon:,.0f} req/s", f"{anon / nginx_rps:.2f} × nginx static ({nginx_rps:,.0f} req/s)", "≥ 0.5 × nginx")
        ours = LATENCIES.get(page, [])
        floor = LATENCIES.get(nginx.url + "page.html", [])
        if ours and floor:
            ratio = statistics.median(r[1] for r in ours) / max(statistics.median(r[1] for r in floor), 0.001)
            record(f"[{mode}] the same page under load (8 connections), latency per run", tail(page),
                   f"nginx: {tail(nginx.url + 'page.html')}; p99 {ratio:.1f} × nginx's", "p99 ≤ 2 × nginx's")
        sizes_on_wire = {enc: wire_size(page, h, enc) for enc, h in (("br", br), ("gzip", gz))}
        anon_br = median_wrk(page, seconds, runs, headers=br)
        anon_gz = median_wrk(page, seconds, runs, headers=gz)
        record(f"[{mode}] the same page compressed, warm: brotli ({sizes_on_wire['br'] // 1024} KB) / gzip "
               f"({sizes_on_wire['gzip'] // 1024} KB)", f"{anon_br:,.0f} / {anon_gz:,.0f} req/s",
               f"{min(anon_br, anon_gz) / nginx_gz_rps:.2f} × nginx gzip_static ({nginx_gz_rps:,.0f} req/s, "
               f"the same {len(stored_gz) // 1024} KB; gzip -9 would make {len(gzip.compress(body, 9)) // 1024} KB)",
               "reported: the ≥ 1.0 × nginx gzip_static of the page compressed is met with nginx in front, "
               "answering from the pages Veche writes to disk (the row above)")
        cookie = {"Cookie": m["session_cookie"]}
        member = median_wrk(page, seconds, runs, headers=cookie)
        record(f"[{mode}] the same page signed in (own votes marked), one member reloading", f"{member:,.0f} req/s",
               f"{member / nginx_rps:.2f} × nginx static", "≥ 0.25 × nginx")
        record(f"[{mode}] a member page for a member not seen in the last 5 s (server time, in process)",
               f"{m['member_fill_ms']:.1f} ms", "session, member and marks read, skeleton filled", "")
        posting = sorted(wrk_posts(server.url, m["large_slug"], m["poster_cookies"], seconds) for _ in range(runs))
        rate, p50 = posting[len(posting) // 2]  # the median run
        record(f"[{mode}] posting to the {sizes['large']:,}-comment discussion, {len(m['poster_cookies'])} members "
               "at once over HTTP", f"{rate:,.0f} comments/s",
               f"p50 {p50} a post; runs: {', '.join(f'{r:,.0f}' for r, _p in posting)}/s", "≥ 200/s sustained")
        api = median_wrk(f"{server.url}/api/v1/articles/{m['small_slug']}/comments/", seconds, runs)
        isso_rps = peers.get("isso_rps")
        record(f"[{mode}] comments JSON API, {sizes['small']:,} comments", f"{api:,.0f} req/s",
               f"{api / isso_rps:.0f}× Isso ({isso_rps:.1f} req/s)" if isso_rps else "", "≥ 100 × Isso")
        rss = server.worker_rss_mb()
        record(f"[{mode}] resident memory per worker after the page loads", " / ".join(f"{r:.0f} MB" for r in rss))
    finally:
        server.kill()
    # The live stream on a fresh server, so memory per reader is not blurred by the page load.
    server = Server(env, workers)
    try:
        urllib.request.urlopen(f"{server.url}/articles/{m['small_slug']}/").read()
        sse(server, m, mode, args, env)
    finally:
        server.kill()
    if mode == "embedded" and not smoke and args.servers:
        compare_servers(env, m, args)
    import_rate(env, mode, args)
    dle_import_rate(env, mode, args)
    notify_figures(env, mode, smoke)
    search_figures(mode, args)
    task_queue(env, mode, args)


def notify_figures(env: dict, mode: str, smoke: bool) -> None:
    """bench.notify in its own process (it adds members and notifications to this mode's database)."""
    n = 500 if smoke else 10_000
    out = subprocess.run([sys.executable, "-m", "bench.notify", json.dumps({"members": n, "smoke": smoke})],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=7200)
    if out.returncode:
        sys.stderr.write(out.stderr[-3000:])
        raise RuntimeError("notification measurements failed")
    m = json.loads(out.stdout.strip().splitlines()[-1])
    record(f"[{mode}] posting p50 with notifications off / on (fan-out enqueued)",
           f"{m['post_off_ms']:.1f} / {m['post_on_ms']:.1f} ms", "", "on within 1 ms of off")
    via = "handed to the server's thread" if mode == "embedded" else "on RQ"
    record(f"[{mode}] a reply followed by {n:,} members: tasks enqueued ({via}), in-site notifications written",
           f"{m['fanout_tasks']} task, {m['fanout_told']:,} in {m['fanout_seconds']:.2f} s", "", "1 task, ≤ 5 s")
    record(f"[{mode}] daily digest, {n:,} members × 10 notifications, to a local SMTP server",
           f"{m['digest_per_second']:.0f} messages/s, peak RSS {m['digest_peak_rss_mb']:.0f} MB", "", "")


def browser_side(page: str, nginx_page: str, base: str, m: dict) -> None:
    """Rows of what a phone meets (bench.phone): the article page beside nginx serving its
    very bytes gzip-precompressed, the front and a section page; then Lighthouse's scores."""
    from bench import phone

    why = phone.available()
    if why:
        NOTES.append(f"browser-side rows not measured: {why}")
        return
    say("  phone profile: 390×844, 150 ms RTT, 1.6 Mbit/s, CPU ×4, cold cache, median of 5 loads")
    front, section = f"{base}/", f"{base}/section/{m.get('section_slug', 'bench')}/"
    got = phone.measure([page, nginx_page, front, section])
    a, floor = got[page], got[nginx_page]
    record("[phone] 1,000-comment article page: LCP / DOMContentLoaded", f"{a['lcp'] / 1000:.2f} s / {a['dcl'] / 1000:.2f} s",
           f"nginx gzip_static, same bytes: {floor['lcp'] / 1000:.2f} s / {floor['dcl'] / 1000:.2f} s "
           f"(LCP {a['lcp'] / max(floor['lcp'], 1):.2f} ×)", "LCP ≤ 2.0 s and ≤ 1.2 × nginx; DCL ≤ 3 s")
    record("[phone] the same page: total blocking time / layout shift", f"{a['tbt']:,.0f} ms / {a['cls']:.3f}",
           f"nginx: {floor['tbt']:,.0f} ms / {floor['cls']:.3f}", "TBT ≤ 200 ms; CLS ≤ 0.05")
    # The thread's elements a comment: its markup's (the <li>, its header, actions, lists of
    # replies) apart from its text's own (paragraphs, quotes, links, smilies the writer put in).
    n = max(a["comments"], 1)
    record("[phone] the same page: elements built / bytes transferred",
           f"{a['elements']:,.0f} / {a['bytes'] / 1024:,.0f} KB",
           f"{(a['thread'] - a['text']) / n:.1f} elements a comment's markup as built (the collapse buttons "
           f"the script gives comments with replies included), {a['text'] / n:.1f} its text's own "
           f"({a['comments']:,.0f} comments; the whole page's elements over them: {a['elements'] / n:.1f})",
           "≤ 12 elements a comment")
    for name, url in (("front page", front), ("section page", section)):
        r = got[url]
        record(f"[phone] {name}: LCP / TBT", f"{r['lcp'] / 1000:.2f} s / {r['tbt']:,.0f} ms",
               f"{r['bytes'] / 1024:,.0f} KB, {r['elements']:,.0f} elements", "LCP ≤ 1.5 s")
    for name, url in (("front page", front), ("1,000-comment article", page),
                      ("a profile (its member lets search engines index it)", f"{base}/members/{m.get('profile_login', 'bench%20reader%201')}/"),
                      ("sign-up", f"{base}/signup/")):
        got = phone.lighthouse(url, runs=3)
        if got is None:
            NOTES.append(f"Lighthouse did not run for {name} (npm registry or Chromium unavailable, or its trace failed)")
            continue
        scores, performances = got
        record(f"[lighthouse, mobile] {name}: performance / accessibility / best practices / SEO",
               " / ".join(str(scores.get(k, "–")) for k in ("performance", "accessibility", "best-practices", "seo")),
               f"median of {len(performances)}; performance in each run: {', '.join(map(str, performances))}",
               "≥ 95 / 100 / 100 / 100")


def search_figures(mode: str, args) -> None:
    """Search over the million-comment database, on its own databases (bench.search)."""
    from bench import search

    m = search.run_mode(mode, 5000 if args.smoke else args.search_comments, rounds=1 if args.smoke else 3,
                        posts=30 if args.smoke else 200, imported=1000 if args.smoke else 20_000)
    for row in search.lines(mode, m):
        record(*row)


def task_queue(env: dict, mode: str, args) -> None:
    """The mode's task queue (bench.queue): enqueue cost, tasks/s, enqueue→done latency."""
    from bench.queue import measure

    n, workers = (200, 1) if args.smoke else (2000, 2)
    q = measure(env, n, workers)
    kind = "database queue (SQLite)" if mode == "embedded" else "RQ on Redis"
    record(f"[{mode}] background tasks, {kind}: {n:,} empty tasks, {workers} `veche worker`s",
           f"{q['per_s']:,.0f} tasks/s", f"enqueue {q['enqueue_ms']:.2f} ms a task; enqueue→done p50 "
           f"{q['latency_p50_ms']:.0f} ms, p90 {q['latency_p90_ms']:.0f} ms", "")


def live_delivery(server: Server, m: dict, n: int) -> dict:
    """Open n live streams from a separate process, post one comment, time its arrival."""
    before = sum(server.worker_rss_mb())
    load = subprocess.Popen([sys.executable, "-m", "bench.sse_load", f"{server.url}/articles/{m['small_slug']}/events/",
                             str(n)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    ready = json.loads(load.stdout.readline())
    time.sleep(1)
    after = sum(server.worker_rss_mb())
    t0 = time.monotonic()
    load.stdin.write(f"{t0}\n")
    load.stdin.flush()
    from bench.poster import post_one

    post_one(server.url, m["poster_cookie"], m["small_slug"])
    result = json.loads(load.stdout.readline())
    load.wait(30)
    delays = result["delays"]
    return {
        "ready": ready["ready"], "received": result["received"], "connected": result["connected"],
        "p50": statistics.median(delays) * 1000 if delays else float("nan"),
        "p99": delays[min(len(delays) - 1, int(len(delays) * 0.99))] * 1000 if delays else float("nan"),
        "per_reader": (after - before) * 1024 / max(1, ready["ready"]),
    }


def sse(server: Server, m: dict, mode: str, args, env: dict) -> None:
    n = 200 if args.smoke else args.readers
    live = live_delivery(server, m, n)
    record(f"[{mode}] live: {live['ready']:,} open pages (SSE), a new comment reaches them",
           f"p50 {live['p50']:.0f} ms, p99 {live['p99']:.0f} ms",
           f"{live['received']:,}/{live['connected']:,} received; {live['per_reader']:.1f} KB per idle reader",
           "5,000 readers, p99 ≤ 1 s, ≤ 30 KB each")


def compare_servers(env: dict, m: dict, args) -> None:
    """uvicorn against granian on the article page and the live stream (docs/serving.md)."""
    readers = min(args.readers, 2000)
    for name in ("uvicorn", "granian"):
        try:
            s = Server(env, 1, name)
        except Exception as exc:  # granian may be missing: say so
            NOTES.append(f"{name} could not start: {exc}")
            continue
        try:
            rps = median_wrk(f"{s.url}/articles/{m['small_slug']}/", 8, 3)
            record(f"[server] {name}, 1 worker, anonymous article page", f"{rps:,.0f} req/s")
        finally:
            s.kill()
        s = Server(env, 1, name)
        try:
            live = live_delivery(s, m, readers)
            record(f"[server] {name}, 1 worker, live stream to {live['ready']:,} readers",
                   f"p50 {live['p50']:.0f} ms, p99 {live['p99']:.0f} ms", f"{live['per_reader']:.1f} KB per reader")
        finally:
            s.kill()


def import_rate(env: dict, mode: str, args) -> None:
    """A generated Disqus export imported in one run: comments per second and peak memory."""
    n = 1000 if args.smoke else (args.import_comments if mode == "embedded" else args.import_comments_scaleout)
    path = Path(tempfile.mkdtemp(prefix="veche-bench-import-")) / "disqus.xml"
    subprocess.run([sys.executable, "-c", f"from imports.generate import generate_disqus; "
                    f"generate_disqus({str(path)!r}, threads={max(1, n // 200)}, comments_per_thread=200, seed=1)"],
                   env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)
    started = time.perf_counter()
    code = ("import resource, sys; from config.cli import main; "
            f"main(['import', 'disqus', {str(path)!r}, '--article-map', 'create']); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=7200)
    seconds = time.perf_counter() - started
    shutil.rmtree(path.parent, ignore_errors=True)  # the export of a million comments is most of a GB
    if proc.returncode:
        NOTES.append(f"the import failed: {proc.stderr[-500:]}")
        return
    peak = next((int(line) for line in reversed(proc.stderr.strip().splitlines()) if line.strip().isdigit()), 0)
    record(f"[{mode}] import of a generated Disqus export, {n:,} comments",
           f"{n / seconds:,.0f} comments/s", f"peak {peak / 1024:.0f} MB resident", "bounded memory")
def dle_import_rate(env: dict, mode: str, args) -> None:
    """A generated DataLife Engine dump (imports.dle.generate) imported in one run: comments per
    second (members, articles and votes included) and peak memory."""
    n = 1000 if args.smoke else args.dle_comments
    path = Path(tempfile.mkdtemp(prefix="veche-bench-dle-")) / "dle.sql"
    subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                    "from imports.dle.generate import generate_dle_dump; "
                    f"generate_dle_dump({str(path)!r}, {n}, seed=1)"],
                   env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)
    started = time.perf_counter()
    code = ("import resource, sys; from config.cli import main; "
            f"main(['import', 'dle', {str(path)!r}, '--site-url', 'https://dle.example.org']); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=7200)
    seconds = time.perf_counter() - started
    shutil.rmtree(path.parent, ignore_errors=True)
    if proc.returncode:
        NOTES.append(f"the DLE import failed: {proc.stderr[-500:]}")
        return
    peak = next((int(line) for line in reversed(proc.stderr.strip().splitlines()) if line.strip().isdigit()), 0)
    record(f"[{mode}] DLE import, {n:,} comments (a generated mysqldump file)",
           f"{n / seconds:,.0f} comments/s", f"peak {peak / 1024:.0f} MB resident", "bounded memory")


def run_peers(args) -> dict:
    """Isso serving the same 1,000-comment discussion, measured once for the run."""
    if not (PEERS / "isso-serve.sh").exists():
        NOTES.append(f"Isso not measured: {PEERS} is missing")
        return {}
    from bench.shape import discussion

    n = 200 if args.smoke else 1000
    data = [{"idx": i.idx, "parent": i.parent, "author": f"reader {i.author}", "text": i.text}
            for i in discussion(n)]
    path = Path(tempfile.mkdtemp(prefix="veche-bench-isso-")) / "discussion.json"
    path.write_text(json.dumps(data))
    say(f"\n== Isso 0.14 with the same {n:,}-comment discussion ==")
    isso = Peer("isso-serve.sh", str(path), str(free_port()))
    try:
        ms = unloaded_ms(isso.url, 5 if args.smoke else 10)
        rps = median_wrk(isso.url, 2 if args.smoke else 10, 1 if args.smoke else 3)
        record(f"[peer] Isso full-thread JSON, {n:,} comments", f"{rps:.1f} req/s", f"{ms:.0f} ms unloaded")
        return {"isso_ms": ms, "isso_rps": rps}
    finally:
        isso.kill()


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB, {platform.platform()}, Python {platform.python_version()}"


def table() -> str:
    lines = ["| Work | Veche | Compared | Target |", "|---|---|---|---|"]
    lines += [f"| {w} | {f} | {c} | {t} |" for w, f, c, t in RESULTS]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="seconds, small sizes: for CI")
    parser.add_argument("--modes", default="embedded,scaleout")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=5000)
    parser.add_argument("--filler", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--import-comments", type=int, default=1_000_000,
                        help="comments in the generated Disqus export imported in embedded mode")
    parser.add_argument("--import-comments-scaleout", type=int, default=100_000,
                        help="the same in scale-out mode (the million once per run is enough to show memory stays flat)")
    parser.add_argument("--dle-comments", type=int, default=100_000,
                        help="comments in the generated DLE dump imported in each mode")
    parser.add_argument("--search-comments", type=int, default=1_000_000,
                        help="comments in the database searched (bench.search)")
    parser.add_argument("--servers", action="store_true", help="also compare uvicorn and granian")
    parser.add_argument("--write", help="write the table and notes to this markdown file")
    args = parser.parse_args()
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin")]
    if missing:
        print(f"The benchmark needs {' and '.join(missing)} (Debian: apt-get install {' '.join(missing)}); "
              "`.ci/run` installs them on a fresh machine.", file=sys.stderr)
        return 2
    started = time.monotonic()
    peers = run_peers(args)
    for mode in args.modes.split(","):
        if mode == "scaleout":
            try:
                import psycopg
                import redis

                psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
                redis.Redis(socket_connect_timeout=1).ping()
            except Exception as exc:
                NOTES.append(f"scale-out mode skipped: {exc}")
                continue
        run_mode(mode, args, peers)
    out = table()
    print(out)
    for note in NOTES:
        print(f"- {note}")
    say(f"\n(bench took {time.monotonic() - started:.0f} s on {machine()})")
    if args.write:
        Path(args.write).write_text(out + "\n" + "".join(f"- {n}\n" for n in NOTES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
