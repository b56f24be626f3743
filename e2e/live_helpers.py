"""Helpers for live tests: act as a member over HTTP, and read an SSE stream."""

import http.client
import json
import urllib.parse

from e2e.conftest import sign_up, unique_login


class Member:
    """A signed-up member whose browser context posts and votes through the JSON endpoints."""

    def __init__(self, browser, base: str, prefix: str = "live"):
        self.base = base
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.login = unique_login(prefix)
        sign_up(self.page, base, self.login)

    def _token(self) -> str:
        for c in self.context.cookies(self.base):
            if c["name"].endswith("csrftoken") or c["name"].endswith("csrf"):
                return c["value"]
        self.page.goto(self.base + "/")
        return self._token()

    def post(self, path: str, **form):
        r = self.context.request.post(self.base + path, form={k: str(v) for k, v in form.items()},
                                      headers={"Accept": "application/json", "X-CSRFToken": self._token(),
                                               "Referer": self.base + "/"})
        return r.status, r.json()

    def comment(self, slug: str, body: str, parent: int | None = None):
        form = {"body": body}
        if parent:
            form["parent"] = parent
        status, data = self.post(f"/articles/{urllib.parse.quote(slug)}/comments/", **form)
        assert status == 201, data
        return data

    def close(self):
        self.context.close()


class EventStream:
    """A plain HTTP reader of /articles/<slug>/events/."""

    def __init__(self, base: str, slug: str, last_id: str | None = None, timeout: float = 5):
        u = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if last_id:
            headers["Last-Event-ID"] = last_id
        self.conn.request("GET", f"/articles/{urllib.parse.quote(slug)}/events/", headers=headers)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next_of(self, kind: str) -> dict:
        """The next event of `kind`, skipping others (presence, resync)."""
        while True:
            event = self.next_event()
            if event["type"] == kind:
                return event

    def next_event(self) -> dict:
        """The next event (comments and keep-alives skipped), with its id and type."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.fp.readline().decode()
            if line in ("\n", "\r\n", ""):
                if "data" in fields:
                    event = json.loads(fields["data"])
                    event["id"] = fields.get("id")
                    event["type"] = fields.get("event", event.get("type"))
                    return event
                if line == "":
                    raise EOFError("stream closed")
                fields = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.rstrip("\n").partition(": ")
            fields[name] = value

    def close(self):
        self.conn.close()
