"""Run the test provider: migrate its own SQLite file, create the people and the client the
test names (JSON on the command line), listen on 127.0.0.1 at a free port and print it.

    python -m social.tests.oidc_provider.serve '{"client_id": …, "secret": …,
        "redirect_uri": …, "users": [{"username": …, "password": …, "email": …, "name": …}]}'
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "social.tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    spec = json.loads(sys.argv[1])
    call_command("migrate", verbosity=0, interactive=False)
    for person in spec["users"]:
        User.objects.create_user(person["username"], email=person.get("email", ""), password=person["password"],
                                 first_name=person.get("name", ""))
    Application.objects.create(
        name="Veche", client_id=spec["client_id"], client_secret=spec["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(spec["redirect_uris"]), algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_Quiet)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
