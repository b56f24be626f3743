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

from core import headers


def _nginx_string(value: str) -> str:
    """`value` as a double-quoted nginx string (where `$` would start a variable)."""
    if "$" in value or "\n" in value:
        raise ValueError(f"not written into nginx's configuration: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def http_part(view_log: str = "") -> str:
    """What goes in nginx's `http { }` block: the maps that decide whether and in which
    language a request is answered from disk, and the view log's format."""
    codes = [code for code, _name in settings.LANGUAGES]
    tags = "|".join([*map(re.escape, codes), r"\*"])
    # An item of the header that names none of the site's languages (nor "*", after which
    # Django takes the site's language); then the language itself, with or without a region.
    other = rf"\s*(?!(?:{tags})(?:[-_;,\s]|$))[^,]*,"
    accept = "\n".join(f'    "~*^(?:{other})*\\s*{re.escape(code)}(?:[-;,\\s]|$)" {code};' for code in codes)
    chosen = "\n".join(f'    "~*(?:^|;)\\s*{re.escape(settings.LANGUAGE_COOKIE_NAME)}={re.escape(code)}'
                       f'(?:-[a-z]+)?\\s*(?:;|$)" {code};' for code in codes)
    asks = "|".join(re.escape(name) for name in (settings.SESSION_COOKIE_NAME, "messages"))
    lines = [
        "# Veche: pages from disk (core.mirror) — in http { }",
        "map $http_accept_language $veche_accept_language {",
        f"    default {settings.LANGUAGE_CODE};",
        accept,
        "}",
        "map $http_cookie $veche_cookie_language {",
        '    default "";',
        chosen,
        "}",
        "map $veche_cookie_language $veche_language {",
        '    "" $veche_accept_language;',
        "    default $veche_cookie_language;",
        "}",
        "map $http_cookie $veche_session {  # a member, or a message to show once: Veche answers",
        "    default 0;",
        f'    "~(?:^|;)\\s*(?:{asks})=" 1;',
        "}",
        'map "$request_method:$veche_session:$args" $veche_from_disk {',
        "    default 0;",
        '    "GET:0:" 1;',
        '    "HEAD:0:" 1;',
        "}",
    ]
    if view_log:
        lines.append("log_format veche_view escape=json 'view $veche_slug';  # newsroom.viewlog reads it")
    return "\n".join(lines) + "\n"


def server_part(folder: str, upstream: str = "veche", https: bool = True, brotli: bool = False,
                view_log: str = "", proxy: str = "") -> str:
    """What goes in nginx's `server { }` block: the article pages from `folder`, Veche
    (`upstream`) for the rest. `proxy`: the directives of the named location that asks Veche
    (those of the site's `location /`); by default the usual ones."""
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
        "        if ($veche_from_disk = 0) { return 418; }",
        f"        root {_nginx_string(folder.rstrip('/'))[:-1]}/$veche_language\";",
        "        try_files /articles/$veche_slug/index.html @veche;",
        "        default_type text/html;",
        "        charset utf-8;",
        "        gzip_static on;",
        *(["        brotli_static on;"] if brotli else []),
        *(f"        add_header {name} {_nginx_string(value)} always;" for name, value in answer),
        (f"        access_log syslog:server={view_log},nohostname,tag=veche veche_view;" if view_log
         else "        # views of these pages are not counted: set VECHE_VIEW_LOG"),
        "    }",
        "    location @veche {",
        proxy,
        "    }",
    ]
    return "\n".join(lines) + "\n"


def whole(folder: str, listen: str, app: str, work: str, https: bool = False, brotli: bool = False,
          view_log: str = "") -> str:
    """A whole nginx.conf in front of one Veche at `app` (host:port), listening at `listen`:
    for a single machine, the benchmark and the tests. `work`: a folder of nginx's own."""
    load = "load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;\n" if brotli else ""
    maps = "\n".join(f"    {line}" for line in http_part(view_log).splitlines())
    return f"""{load}worker_processes 2;
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
{server_part(folder, https=https, brotli=brotli, view_log=view_log)}    }}
}}
"""
