"""What a reader's phone meets: pages loaded in Debian's Chromium through Playwright on a
mid-range phone profile, and Lighthouse's mobile scores. Rows of `make bench`, never tests.

The profile: a 390×844 viewport at device scale 3, 150 ms round trip, 1.6 Mbit/s down and
750 kbit/s up (the DevTools protocol's network emulation), the CPU slowed four times, the
browser's cache off; each page loaded cold five times, the median kept. What is read, from
the page's own performance entries: Largest Contentful Paint, DOMContentLoaded, Cumulative
Layout Shift (shifts without recent input), total blocking time (each long task's time past
50 ms, between the first contentful paint and the load event, as Lighthouse counts it near
enough for a comparison in one run), the elements the page built and the bytes transferred.

    python -m bench.phone URL [URL ...]      # one row a URL, printed as JSON
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PROFILE = {"latency": 150, "download": 1_600_000 / 8, "upload": 750_000 / 8, "cpu": 4}
LOADS = 5

# Set before any page script runs: observers that keep what the page's performance timeline
# says (long tasks are not buffered for a late observer).
_OBSERVE = """
window.__veche = {lcp: 0, cls: 0, long: []};
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__veche.lcp = e.startTime; })
  .observe({type: "largest-contentful-paint", buffered: true});
new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__veche.cls += e.value; })
  .observe({type: "layout-shift", buffered: true});
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__veche.long.push([e.startTime, e.duration]); })
  .observe({type: "longtask", buffered: true});
"""

_READ = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = (performance.getEntriesByName("first-contentful-paint")[0] || {startTime: 0}).startTime;
  const end = nav.loadEventEnd || performance.now();
  let tbt = 0;
  for (const [start, d] of window.__veche.long) if (start + d > fcp && start < end) tbt += Math.max(0, d - 50);
  const thread = document.getElementById("thread");
  return {lcp: window.__veche.lcp, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, cls: window.__veche.cls,
          tbt: tbt, fcp: fcp, elements: document.getElementsByTagName("*").length,
          thread: thread ? thread.getElementsByTagName("*").length : 0,
          comments: document.querySelectorAll("li.comment").length,
          text: document.querySelectorAll("#thread .c-text *").length};
}"""


def available() -> str | None:
    """Why the browser rows cannot be measured here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


def load_once(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": PROFILE["latency"],
                                                      "downloadThroughput": PROFILE["download"],
                                                      "uploadThroughput": PROFILE["upload"]})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": PROFILE["cpu"]})
        sent = {"bytes": 0}

        def finished(event):
            sent["bytes"] += event.get("encodedDataLength", 0)

        cdp.on("Network.loadingFinished", finished)
        page.add_init_script(_OBSERVE)
        page.goto(url, wait_until="load", timeout=180_000)
        page.wait_for_timeout(1500)  # long tasks and the last paint after the load event
        out = page.evaluate(_READ)
        out["bytes"] = sent["bytes"]
        return out
    finally:
        context.close()


def measure(urls: list[str], loads: int = LOADS) -> dict[str, dict]:
    """url → the median of each figure over `loads` cold loads. The addresses take turns, one
    load each per round: this host's speed drifts within a minute, and Veche's page measured
    five times before nginx's five read the drift as a difference between them."""
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict]] = {url: [] for url in urls}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(loads):
                for url in urls:
                    runs[url].append(load_once(browser, url))
        finally:
            browser.close()
    return {url: {k: statistics.median(r[k] for r in got) for k in got[0]} for url, got in runs.items()}


# --- Lighthouse --------------------------------------------------------------------------------

LIGHTHOUSE = "lighthouse@12"
TOOLS = Path(os.environ.get("VECHE_BENCH_TOOLS", Path(tempfile.gettempdir()) / "veche-bench-tools"))


def lighthouse_bin() -> Path | None:
    """Lighthouse from the npm registry, installed once into a tools folder outside the
    project (no front-end build step in Veche: this is a measuring instrument)."""
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if not shutil.which("npm"):
        return None
    TOOLS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(TOOLS), LIGHTHOUSE],
                          capture_output=True, text=True, timeout=600)
    return binary if done.returncode == 0 and binary.exists() else None


def lighthouse(url: str, runs: int = 3) -> tuple[dict[str, int], list[int]] | None:
    """Lighthouse's four category scores (0–100) for `url`, mobile preset, on Debian's
    Chromium: the median of `runs` runs, as Lighthouse's authors advise for a score that moves
    with the machine's load (its simulated phone scales the main-thread time it observes), and
    every run's performance score; None when it could not run."""
    got = [scores for scores in (_lighthouse_once(url) for _ in range(runs)) if scores is not None]
    if not got:
        return None
    medians = {key: round(statistics.median(s.get(key, 0) for s in got)) for key in got[0]}
    return medians, [s.get("performance", 0) for s in got]


def _lighthouse_once(url: str) -> dict[str, int] | None:
    binary = lighthouse_bin()
    if binary is None:
        return None
    out = Path(tempfile.mkdtemp(prefix="veche-lighthouse-")) / "report.json"
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    for _attempt in range(2):  # its trace sometimes misses the navigation (NO_NAVSTART): once more
        done = subprocess.run([str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
                               f"--chrome-flags={flags}", "--only-categories=performance,accessibility,best-practices,seo"],
                              env=env, capture_output=True, text=True, timeout=300)
        if not done.returncode and out.exists():
            break
        sys.stderr.write(done.stderr[-2000:])
    else:
        return None
    report = json.loads(out.read_text())
    return {key: round((cat.get("score") or 0) * 100) for key, cat in report["categories"].items()}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1:]), indent=1))
