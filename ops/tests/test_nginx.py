"""nginx's configuration for pages from disk (ops.nginx, `veche mirror-nginx`)."""

import os
import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import headers
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
    assert '"GET:0:" 1;' in text and '"HEAD:0:" 1;' in text and "POST" not in text
    assert "syslog:server=127.0.0.1:5514" in text and "brotli_static" not in text
    plain = nginx.server_part(str(tmp_path), https=False)
    assert "Strict-Transport-Security" not in plain and "access_log" not in plain


def test_nothing_unquoted_reaches_the_configuration():
    assert nginx._nginx_string('/srv/a"; include x; "') == '"/srv/a\\"; include x; \\""'
    assert 'root "/srv/a\\"; include x; \\"/$veche_language";' in nginx.server_part('/srv/a"; include x; "')
    for value in ("$document_root", "a\nb"):
        with pytest.raises(ValueError):
            nginx._nginx_string(value)


def test_nginx_accepts_the_whole_configuration(settings, tmp_path):
    if not shutil.which("nginx"):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    settings.VECHE_PAGE_MIRROR_DIR = str(tmp_path / "mirror")
    conf = nginx.whole(str(tmp_path / "mirror"), "127.0.0.1:1", "127.0.0.1:2", work=str(tmp_path),
                       brotli=os.path.exists("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"),
                       view_log="127.0.0.1:5514")
    (tmp_path / "nginx.conf").write_text(conf)
    checked = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True,
                             timeout=30)
    assert checked.returncode == 0, checked.stderr
