"""A member's HTTP session without a browser: sign-in, CSRF, form posts (for burst tests)."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class Session:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def get(self, path: str, timeout: float = 10):
        try:
            with self.opener.open(self.base + path, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def token(self) -> str:
        for c in self.jar:
            if "csrf" in c.name:
                return c.value
        status, body = self.get("/signin/")
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return m.group(1) if m else ""

    def post(self, path: str, data: dict, timeout: float = 10, accept_json: bool = False):
        body = urllib.parse.urlencode(data).encode()
        headers = {"X-CSRFToken": self.token(), "Referer": self.base + "/"}
        if accept_json:
            headers["Accept"] = "application/json"
        req = urllib.request.Request(self.base + path, data=body, headers=headers, method="POST")
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def sign_up(self, login: str, password: str = "a long enough passphrase"):
        self.get("/signup/")
        status, _ = self.post("/signup/", {"login": login, "password": password, "next": "/"})
        assert status == 302, status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_302
