"""Open N Server-Sent Event streams to one article from this separate process, report when
they are all connected, then time the arrival of the next `comment.new` on each.

Usage: python -m bench.sse_load URL N  (prints READY, waits for a line on stdin, prints JSON)"""

import asyncio
import json
import sys
import time
import urllib.parse


async def reader(host, port, path, ready: asyncio.Event, arrived: list, connected: list):
    try:
        r, w = await asyncio.open_connection(host, port)
    except OSError:
        return
    w.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await w.drain()
    buf = b""
    seen_headers = False
    while True:
        try:
            chunk = await r.read(65536)
        except (ConnectionError, OSError):
            return
        if not chunk:
            return
        buf += chunk
        if not seen_headers and b"\r\n\r\n" in buf:
            seen_headers = True
            connected.append(1)
        if b"event: comment.new" in buf:
            arrived.append(time.monotonic())
            w.close()
            return
        if len(buf) > 1_000_000:
            buf = buf[-100_000:]


async def main(url: str, n: int):
    u = urllib.parse.urlsplit(url)
    ready = asyncio.Event()
    arrived: list[float] = []
    connected: list[int] = []
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(reader(u.hostname, u.port, u.path, ready, arrived, connected)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    deadline = time.monotonic() + 120
    while len(connected) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    print(json.dumps({"ready": len(connected)}), flush=True)
    loop = asyncio.get_running_loop()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    t0 = float(line.strip() or time.monotonic())
    end = time.monotonic() + 30
    while len(arrived) < len(connected) and time.monotonic() < end:
        await asyncio.sleep(0.02)
    delays = sorted(a - t0 for a in arrived)
    print(json.dumps({"connected": len(connected), "received": len(delays), "delays": delays}), flush=True)
    for t in tasks:
        t.cancel()


if __name__ == "__main__":
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
