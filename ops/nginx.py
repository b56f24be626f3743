"""nginx's configuration for serving Veche's pages from disk (core.mirror), written from the
settings so that it asks exactly what the front asks (config.front): `veche mirror-nginx`
prints it; docs/deploy.md ("Pages from disk") explains it.

nginx answers from the folder only a GET or HEAD of an article's address with no query
string, from a reader with no session and no message waiting (the cookies the front looks
for), in the language the front would choose: the `veche_language` cookie when it names an
enabled language, else the first enabled language of Accept-Language (browsers list theirs
in order of preference), else the site's. The answer carries the headers the front's would
(security headers, `Cache-Control: no-cache`, one Vary line); anything else, and any page not
on disk, goes to Veche."""

from __future__ import annotations

import re

from django.conf import settings

from core import headers, languages

# The pages location's one output buffer: a whole page goes out in one write up to this size
# (the gzip form of a 1,000-comment page is about 75 KB); a larger one in several.
OUTPUT_BUFFER = 128 * 1024


def _nginx_string(value: str) -> str:
    """`value` as a double-quoted nginx string (where `$` would start a variable)."""
    if "$" in value or "\n" in value:
        raise ValueError(f"not written into nginx's configuration: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Django's grammar of Accept-Language (django.utils.translation.trans_real.accept_language_re):
# a header with anything else is ignored whole, and Veche reads its first ACCEPT_MAX characters.
_TAG = r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*"
_Q = r"(?:\s*;\s*q=(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))"
_WELL_FORMED = rf"(?=.{{0,{languages.ACCEPT_MAX}}}$)(?:(?:{_TAG}|\*){_Q}?(?:\s*,\s*|$))+$"


def http_part(view_log: str = "", https: bool = True) -> str:
    """What goes in nginx's `http { }` block: the maps that decide whether and in which
    language a request is answered from disk, and the view log's format.

    The language is decided here only where nginx is sure to decide as Veche
    (core.languages.choose): a `veche_language` cookie given once with one of the site's
    codes exactly (no cookie: Accept-Language decides); an Accept-Language Django reads,
    whose first item naming one of the site's languages comes before any "*" and weighs at
    least as much as every item after it (none or q=1; or q=0.D, one decimal, with every later
    item weighed no more — what browsers send: Django's stable sort by weight then keeps it
    first), or that names none of them and no "*" (the site's language). Anything else
    (weights out of order, a malformed header, an odd cookie) goes to Veche, and so does a
    request over plain http to an `https` site (Veche redirects it)."""
    codes = [code for code, _name in settings.LANGUAGES]
    tags = "|".join([*map(re.escape, codes), r"\*"])
    # An item naming none of the site's languages nor "*", with the separator after it.
    other = rf"(?!(?:{tags})(?:[-;,\s]|$)){_TAG}{_Q}?\s*,\s*"
    first_of = []
    for code in codes:
        leftmost = rf"^(?={_WELL_FORMED})(?:{other})*{re.escape(code)}(?:-[a-z0-9]{{1,8}})*"
        # Weighing most (none, or q=1): whatever follows.
        first_of.append(f'    "~*{leftmost}(?:\\s*;\\s*q=1(?:\\.0{{0,3}})?)?\\s*(?:,|$)" {code};')
        # Weighing 0.D (browsers write one decimal), and everything after it no more.
        for d in range(1, 10):
            no_more = rf"0(?:\.(?:[0-{d - 1}][0-9]{{0,2}}|{d}0{{0,2}})?)?"
            first_of.append(f'    "~*{leftmost}\\s*;\\s*q=0\\.{d}0{{0,2}}(?:\\s*,\\s*(?:{_TAG}|\\*)\\s*;\\s*q={no_more})*$" '
                            f"{code};")
    none_of = (rf'    "~*^(?={_WELL_FORMED})(?:(?!(?:{tags})(?:[-;,\s]|$)){_TAG}{_Q}?(?:\s*,\s*|$))+$" '
               f"{settings.LANGUAGE_CODE};")
    name = re.escape(settings.LANGUAGE_COOKIE_NAME)
    once = rf"(?!(?:.*;)?\s*{name}\s*=.*;\s*{name}\s*=)"
    chosen = "\n".join(rf'    "~^{once}(?:.*;)?\s*{name}\s*=\s*{re.escape(code)}\s*(?:;|$)" {code};'
                        for code in codes)
    asks = "|".join(re.escape(name) for name in (settings.SESSION_COOKIE_NAME, "messages"))
    lines = [
        "# Veche: pages from disk (core.mirror) — in http { }",
        "map $http_accept_language $veche_accept_language {",
        '    default "";  # not sure to choose as Veche: Veche answers',
        f'    "" {settings.LANGUAGE_CODE};',
        *first_of,
        none_of,
        "}",
        "map $http_cookie $veche_cookie_language {",
        '    default "?";  # a language cookie read otherwise by Veche: Veche answers',
        '    "" "";  # no cookies (nginx tries no pattern on an empty value)',
        # Django strips more than nginx's \s (\x1c-\x1f, \xa0): a cookie with such bytes, Veche reads.
        r'    "~[^\x20-\x7e]" "?";',
        rf'    "~^(?!(?:.*;)?\s*{name}\s*=)" "";  # none: Accept-Language decides',
        chosen,
        "}",
        'map "$veche_cookie_language:$veche_accept_language" $veche_language {',
        '    default "";',
        *(f'    "~^{code}:" {code};' for code in codes),
        *(f'    ":{code}" {code};' for code in codes),
        "}",
        "map $http_cookie $veche_session {  # a member, or a message to show once: Veche answers",
        "    default 0;",
        r'    "~[^\x20-\x7e]" 1;  # (as Django would strip what nginx would not)',
        rf'    "~(?:^|;)\s*(?:{asks})\s*=" 1;',
        "}",
        "map $request_uri $veche_plain_address {  # the address as the front reads it, nothing else",
        "    default 0;",
        '    "~^/articles/(?:[^/?%]|%(?!2[fF])[0-9A-Fa-f]{2})+/$" 1;',
        "}",
        "# GET or HEAD; no member; no query; the plain address; https if the site is; a language sure to",
        "# be Veche's; no condition (nginx would answer If-None-Match: * with 304, If-Match or an old",
        "# If-Unmodified-Since with 412: the front never does).",
        'map "$request_method:$veche_session:$args:$veche_plain_address:$scheme:$veche_language:$http_if_none_match'
        '$http_if_match$http_if_unmodified_since" $veche_from_disk {',
        "    default 0;",
        # Every way of saying yes, written out: looked up in a hash, no pattern tried per request.
        *(f'    "{method}:0::1:{scheme}:{code}:" 1;' for method in ("GET", "HEAD")
          for scheme in (("https",) if https else ("http", "https")) for code in codes),
        "}",
        "map $status $veche_view {  # a page sent whole is a view",
        "    default 0;",
        "    200 1;",
        "}",
    ]
    if view_log:
        lines.append("log_format veche_view escape=json 'view $veche_slug';  # newsroom.viewlog reads it")
    return "\n".join(lines) + "\n"


def server_part(folder: str, upstream: str = "veche", https: bool = True, brotli: bool = False,
                view_log: str = "", proxy: str = "", kept_files: bool = True) -> str:
    """What goes in nginx's `server { }` block: the article pages from `folder`, Veche
    (`upstream`) for the rest. `proxy`: the directives of the named location that asks Veche
    (those of the site's `location /`); by default the usual ones.

    `kept_files`: nginx keeps the pages' files open between requests and looks each name up
    again at every request (a removed or replaced page is never served from a kept handle).
    That look is a stat() compared with the kept file; without it (False) each request opens
    the page — for a folder on NFS, whose client may answer a stat() from its cache, and for a
    machine whose clock may be stepped back (nginx skips the look while its clock is behind
    the time it last looked)."""
    answer = headers.security_headers(https) + [
        ("Cache-Control", "no-cache"),
        ("Vary", "Accept-Language, Cookie, Accept-Encoding"),
    ]
    proto = "https" if https else "$scheme"
    proxy = proxy or "\n".join([
        f"        proxy_pass http://{upstream};",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        f"        proxy_set_header X-Forwarded-Proto {proto};",
    ])
    lines = [
        "    # Veche: pages from disk (core.mirror) — in server { }",
        "    location ~ ^/articles/(?<veche_slug>[^/]+)/$ {",
        "        error_page 418 = @veche;",
        "        if ($veche_from_disk = 0) { return 418; }  # not a page from disk: Veche answers",
        f"        root {_nginx_string(folder.rstrip('/'))[:-1]}/$veche_language\";",
        "        try_files /articles/$veche_slug/index.html @veche;",
        "        error_page 403 404 = @veche;      # a page removed between the look and the open",
        "        default_type text/html;",
        "        charset utf-8;",
        "        etag off;                         # the front sends no validators: a page rewritten",
        "        if_modified_since off;            # in the same second must not be answered 304",
        '        add_header Last-Modified "";       # (an empty one: none sent)',
        "        max_ranges 0;",
        *(["        open_file_cache max=1000 inactive=20s;  # handles kept open, but",
           "        open_file_cache_valid 0;          # each request looks the name up again: a page removed",
           "                                          # or replaced is never served from a kept handle"]
          if kept_files else
          ["        open_file_cache off;              # each request opens the page (--no-kept-files)"]),
        # (docs/performance.md, run 38: with sendfile, corked, these ten headers stalled some
        # sizes 2-5 x; uncorked, the headers left as a packet of their own, 0.82-0.90 x nginx
        # corked on a file with its few headers; read into one buffer, 1.0 x.)
        "        sendfile off;                     # the page read into one buffer and written with its",
        f"        output_buffers 1 {OUTPUT_BUFFER // 1024}k;            # headers at once (held until written out)",
        "        gzip_static on;",
        *(["        brotli_static on;"] if brotli else []),
        *(f"        add_header {name} {_nginx_string(value)} always;" for name, value in answer),
        (f"        access_log {_nginx_string(view_log)} veche_view buffer=64k flush=1s if=$veche_view;"
         if view_log.startswith("/") else
         f"        access_log syslog:server={view_log},nohostname,tag=veche veche_view if=$veche_view;" if view_log
         else "        # views of these pages are not counted: set VECHE_VIEW_LOG"),
        "    }",
        "    location @veche {",
        proxy,
        "    }",
    ]
    return "\n".join(lines) + "\n"


def whole(folder: str, listen: str, app: str, work: str, https: bool = False, brotli: bool = False,
          view_log: str = "", kept_files: bool = True) -> str:
    """A whole nginx.conf in front of one Veche at `app` (host:port), listening at `listen`:
    for a single machine, the benchmark and the tests. `work`: a folder of nginx's own."""
    load = "load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;\n" if brotli else ""
    maps = "\n".join(f"    {line}" for line in http_part(view_log, https=https).splitlines())
    return f"""{load}worker_processes 2;
worker_rlimit_nofile 16384;  # its connections (and their upstream ones) and up to 1,000 kept pages
pcre_jit on;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {work}/b; proxy_temp_path {work}/p; fastcgi_temp_path {work}/f;
    uwsgi_temp_path {work}/u; scgi_temp_path {work}/s;
    upstream veche {{ server {app}; keepalive 64; }}
{maps}
    server {{
        listen {listen};
        client_max_body_size 16m;
        location / {{
            proxy_pass http://veche;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
        }}
{server_part(folder, https=https, brotli=brotli, view_log=view_log, kept_files=kept_files)}    }}
}}
"""
