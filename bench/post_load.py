"""Members posting at once over HTTP, from this separate process: sustained comments per second.

Usage: python -m bench.post_load BASE SLUG SECONDS COOKIE [COOKIE …]  — one thread per cookie
(a signed-in member with a CSRF cookie), each posting one comment after another for SECONDS.
Prints one JSON object: posted, failed, rate, p50_ms."""

import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def poster(base: str, slug: str, cookie: str, until: float, times: list, failed: list) -> None:
    token = next((part.split("=", 1)[1] for part in cookie.split("; ") if part.startswith("csrftoken=")), "")
    opener = urllib.request.build_opener()
    n = 0
    while time.monotonic() < until:
        n += 1
        data = urllib.parse.urlencode({"body": f"Under load, comment {n} :wink:"}).encode()
        req = urllib.request.Request(f"{base}/articles/{slug}/comments/", data=data, method="POST", headers={
            "Cookie": cookie, "Accept": "application/json", "Referer": base + "/", "X-CSRFToken": token})
        started = time.perf_counter()
        try:
            with opener.open(req, timeout=30) as r:
                r.read()
            times.append((time.perf_counter() - started) * 1000)
        except (urllib.error.URLError, OSError):
            failed.append(1)


def main(base: str, slug: str, seconds: float, cookies: list[str]) -> dict:
    times: list[float] = []
    failed: list[int] = []
    until = time.monotonic() + seconds
    started = time.monotonic()
    threads = [threading.Thread(target=poster, args=(base, slug, c, until, times, failed)) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {"posted": len(times), "failed": len(failed), "rate": len(times) / elapsed,
            "p50_ms": statistics.median(times) if times else 0.0}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:])))
