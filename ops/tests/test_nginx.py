"""nginx's configuration for pages from disk (ops.nginx, `veche mirror-nginx`)."""

import os
import re
import shutil
import string
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import parse_cookie
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core import headers, languages
from ops import nginx


def test_the_command_says_when_there_is_no_folder(settings):
    settings.VECHE_PAGE_MIRROR_DIR = ""
    with pytest.raises(CommandError, match="VECHE_PAGE_MIRROR_DIR"):
        call_command("mirror-nginx")


def test_it_sends_the_headers_veche_sends_and_never_to_a_member(settings, tmp_path):
    settings.VECHE_PAGE_MIRROR_DIR = str(tmp_path)
    settings.VECHE_VIEW_LOG = "127.0.0.1:5514"
    settings.SECURE_HSTS_SECONDS = 3600
    out = StringIO()
    call_command("mirror-nginx", stdout=out)
    text = out.getvalue()
    for name, value in headers.security_headers(True):
        assert f'add_header {name} "{value}" always;' in text
    assert "Strict-Transport-Security" in text
    assert re.escape(settings.SESSION_COOKIE_NAME) in text and "messages" in text
    assert '"GET:0::1:https:en:" 1;' in text and '"HEAD:0::1:https:ru:" 1;' in text
    assert ":http:" not in text and "POST" not in text
    assert "syslog:server=127.0.0.1:5514" in text and "brotli_static" not in text
    for off in ("etag off;", "if_modified_since off;", "max_ranges 0;", "open_file_cache_valid 0;"):
        assert off in text  # the front sends no validators and no ranges; a removed page is gone
    # The page and its headers in one write (run 38): never sendfile, whose corked form stalls
    # with these headers and whose uncorked form sends the headers as a packet of their own.
    assert "sendfile off;" in text and f"output_buffers 1 {nginx.OUTPUT_BUFFER // 1024}k;" in text
    assert "tcp_nopush on" not in nginx.server_part(str(tmp_path)) and "sendfile on" not in nginx.server_part(str(tmp_path))
    plain = nginx.server_part(str(tmp_path), https=False)
    assert "Strict-Transport-Security" not in plain and "access_log" not in plain
    out = StringIO()
    call_command("mirror-nginx", "--no-kept-files", stdout=out)  # NFS, or a clock that may step back
    assert "open_file_cache off;" in out.getvalue() and "open_file_cache_valid" not in out.getvalue()


def test_nothing_unquoted_reaches_the_configuration():
    assert nginx._nginx_string('/srv/a"; include x; "') == '"/srv/a\\"; include x; \\""'
    assert 'root "/srv/a\\"; include x; \\"/$veche_language";' in nginx.server_part('/srv/a"; include x; "')
    for value in ("$document_root", "a\nb"):
        with pytest.raises(ValueError):
            nginx._nginx_string(value)


@pytest.mark.parametrize("view_log", ["127.0.0.1:5514", "/var/log/nginx/veche-views.log", ""])
def test_nginx_accepts_the_whole_configuration(settings, tmp_path, view_log):
    if not shutil.which("nginx"):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    settings.VECHE_PAGE_MIRROR_DIR = str(tmp_path / "mirror")
    conf = nginx.whole(str(tmp_path / "mirror"), "127.0.0.1:1", "127.0.0.1:2", work=str(tmp_path),
                       brotli=os.path.exists("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"),
                       view_log=view_log and view_log.replace("/var/log/nginx", str(tmp_path)),
                       kept_files=bool(view_log))  # and once with --no-kept-files
    (tmp_path / "nginx.conf").write_text(conf)
    if view_log.startswith("/"):  # buffered, the lines Veche follows (newsroom.viewlog)
        assert f'access_log "{tmp_path}/veche-views.log" veche_view buffer=64k flush=1s if=$veche_view;' in conf
    checked = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True,
                             timeout=30)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("https", [True, False])
def test_only_a_plain_get_or_head_in_a_language_of_the_site_is_answered_from_disk(settings, https):
    """The last map, written out as exact keys (no pattern per request): every other method,
    a session, a query, an odd address, plain http to an https site, an undecided language or
    any condition header leaves the answer to Veche."""
    settings.LANGUAGES = [("en", "English"), ("ru", "Russian")]
    rules = _map(nginx.http_part(https=https), "$veche_from_disk")
    assert not any(key.startswith("~") for key, _value in rules[1])

    def asked(method="GET", session="0", args="", plain="1", scheme="https", language="en", conditions=""):
        return _look_up(rules, f"{method}:{session}:{args}:{plain}:{scheme}:{language}:{conditions}")

    for kind in ({}, {"method": "HEAD"}, {"language": "ru"}, {"method": "HEAD", "language": "ru"}):
        assert asked(**kind) == "1", kind
    assert asked(scheme="http") == ("0" if https else "1")
    # (nginx matches a map's strings ignoring case; a method in lower case it refuses with 400
    # before any map is read)
    for refused in ({"method": "POST"}, {"method": "OPTIONS"}, {"session": "1"},
                    {"args": "p=2"}, {"args": "lang=ru"}, {"plain": "0"}, {"language": ""}, {"language": "de"},
                    {"language": "en-us"}, {"conditions": "*"}, {"conditions": '"abc"'},
                    {"conditions": "Sun, 06 Dec 2099 00:00:00 GMT"}, {"scheme": "ftp"}):
        assert asked(**refused) == "0", refused


# --- the maps, read as nginx reads them (PCRE; Python's re agrees on what they use) ----------


def _map(text: str, variable: str) -> tuple[str, list[tuple[str, str]]]:
    """(default, [(pattern or exact string, value)]) of one map of http_part's text."""
    body = re.search(rf"^map [^\n]* {re.escape(variable)} {{[^\n]*\n(.*?)\n}}", text, re.S | re.M).group(1)
    default, rules = "", []
    for line in body.splitlines():
        line = line.split("  #", 1)[0].strip()
        if line.startswith("default "):
            default = line[len("default "):].rstrip(";").strip('"')
        elif line.startswith('"'):
            key, value = line.rsplit(" ", 1)
            rules.append((key[1:-1], value.rstrip(";").strip('"')))
    return default, rules


def _look_up(rules: tuple[str, list[tuple[str, str]]], value: str) -> str:
    """What nginx's map gives for `value`: an exact key first, else the first regex matching."""
    default, pairs = rules
    for key, out in pairs:  # nginx matches strings ignoring case
        if not key.startswith("~") and key.lower() == value.lower():
            return out
    for key, out in pairs:
        # nginx's PCRE: \s and the classes are ASCII's
        if key.startswith("~*") and re.search(key[2:], value, re.IGNORECASE | re.ASCII):
            return out
        if key.startswith("~") and not key.startswith("~*") and re.search(key[1:], value, re.ASCII):
            return out
    return default


@pytest.fixture(scope="module")
def maps():
    text = nginx.http_part("127.0.0.1:5514")
    return {name: _map(text, name) for name in ("$veche_accept_language", "$veche_cookie_language", "$veche_session")}


BROWSERS = ["ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru,en;q=0.9", "en-US,en;q=0.9", "en-GB,en;q=0.9,ru;q=0.8",
            "de-DE,de;q=0.9,en;q=0.8", "uk-UA,uk;q=0.9,ru;q=0.8,en-US;q=0.7,en;q=0.6", "ru-RU", "en", "",
            "fr-FR,fr;q=0.9", "ru-RU,ru;q=0.8,en-US;q=0.5,en;q=0.3"]


@pytest.mark.parametrize("header", BROWSERS)
def test_what_browsers_send_is_answered_from_disk_in_veches_language(maps, header):
    chosen = _look_up(maps["$veche_accept_language"], header)
    assert chosen == languages.from_accept(header)


@pytest.mark.parametrize("header", ["uk, ru;q=0.9, en;q=0.8", "de-DE, ru;q=0.9, en;q=0.8", "fr, ru, en",
                                    "de, *;q=0.5, ru;q=0.1", "en;q=0.1, ru;q=0.9", "ru;q=0, en", "ru;q=1.0000",
                                    "de,,ru", "ru_RU", "*, ru", "run, ru;q=0.4", "x" * 300 + ",ru", " ru"])
def test_headers_nginx_could_read_otherwise_go_to_veche_or_agree(maps, header):
    chosen = _look_up(maps["$veche_accept_language"], header)
    assert chosen in ("", languages.from_accept(header))


_tags = st.sampled_from(["en", "ru", "en-US", "ru-RU", "RU", "de", "de-DE", "*", "fr", "run", "enx", "ru_RU", "uk", ""])
_weights = st.sampled_from(["", ";q=1", ";q=0.9", ";q=0.5", ";q=0", "; q=0.8", ";q=1.000", ";q=1.0000", ";q=2", ";q="])
_seps = st.sampled_from([",", ", ", " ,", ",,", ";", " "])


@hsettings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(_tags, _weights, _seps), max_size=6))
def test_nginx_never_chooses_another_language_than_veche(maps, items):
    header = "".join(t + w + s for t, w, s in items).rstrip(", ;")
    chosen = _look_up(maps["$veche_accept_language"], header)
    assert chosen in ("", languages.from_accept(header)), header


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable, max_size=60))
def test_no_header_at_all_fools_it(maps, header):
    chosen = _look_up(maps["$veche_accept_language"], header)
    assert chosen in ("", languages.from_accept(header)), header


_cookie_parts = st.sampled_from(["veche_language=ru", "veche_language=en", "veche_language = ru", "veche_language=RU",
                                 "VECHE_LANGUAGE=ru", "veche_language=ru_RU", 'veche_language="ru"', "a=1",
                                 "xveche_language=ru", "veche_language=", "veche_language=de", "b=veche_language=ru",
                                 "\x1fveche_language=ru", "veche_language=\xa0ru"])


@hsettings(max_examples=400, deadline=None)
@given(st.lists(_cookie_parts, max_size=4), st.sampled_from(["; ", ";"]))
def test_the_language_cookie_is_read_as_django_reads_it_or_left_to_veche(maps, parts, sep):
    header = sep.join(parts)
    chosen = _look_up(maps["$veche_cookie_language"], header)
    django = languages.supported(parse_cookie(header).get("veche_language"))
    if chosen == "":
        assert django is None, header  # no cookie: Accept-Language decides, for both
    elif chosen != "?":
        assert chosen == django, header


@pytest.mark.parametrize("header", ["sessionid=x", "a=1; sessionid=x", "sessionid =x", "a=1;sessionid=", "messages=m",
                                    "a=1; \x1fsessionid=x"])
def test_a_member_or_a_message_always_goes_to_veche(maps, header):
    assert _look_up(maps["$veche_session"], header) == "1"
    assert "sessionid" in parse_cookie(header) or "messages" in parse_cookie(header)


@pytest.mark.parametrize("header", ["", "a=1", "xsessionid=1", "sessionidx=1", "veche_language=ru", "Sessionid=1"])
def test_nobodys_cookies_do_not_send_a_reader_to_veche(maps, header):
    assert _look_up(maps["$veche_session"], header) == "0"
    assert "sessionid" not in parse_cookie(header) and "messages" not in parse_cookie(header)
