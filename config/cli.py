"""The `veche` command: Django's management commands with Veche's settings by default.

    veche serve --workers 2        serve over ASGI (uvicorn)
    veche migrate | createsuperuser | import-page PATH | import SOURCE FILE | export FILE
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["veche", *(sys.argv[1:] if argv is None else argv)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
