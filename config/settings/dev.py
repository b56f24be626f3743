"""The embedded default for `make run`: a fixed development key, otherwise served as in
production — debug off, hashed and precompressed static files — so the demo a newcomer sees
is what readers would get. `VECHE_DEBUG=1` turns Django's debug pages on."""

from .base import *  # noqa: F403

DEBUG = env_bool("VECHE_DEBUG", False)  # noqa: F405
SECRET_KEY = SECRET_KEY or "veche-development-key-not-for-production"  # noqa: F405
