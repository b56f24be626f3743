"""Post one comment over HTTP as a signed-in member (for the live measurement)."""

import re
import urllib.parse
import urllib.request


def post_one(base: str, cookie: str, slug: str) -> int:
    opener = urllib.request.build_opener()
    page = opener.open(urllib.request.Request(f"{base}/articles/{slug}/", headers={"Cookie": cookie})).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie)
    data = urllib.parse.urlencode({"body": "A live comment for the benchmark", "csrfmiddlewaretoken": token}).encode()
    req = urllib.request.Request(f"{base}/articles/{slug}/comments/", data=data, method="POST",
                                 headers={"Cookie": cookie, "Accept": "application/json", "Referer": base + "/",
                                          "X-CSRFToken": csrf_cookie.group(1) if csrf_cookie else token})
    with opener.open(req) as r:
        return r.status
