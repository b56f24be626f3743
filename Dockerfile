# Veche in a container, built from this repository:  docker build -t veche .
# Nothing is fetched but the base image and what pip installs from the package index.
# docs/deploy.md ("A container") says how to run it: the database, Redis, migrations.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    VECHE_VAR_DIR=/var/lib/veche \
    VECHE_STATIC_ROOT=/opt/veche/static \
    VECHE_LOG_FORMAT=json

WORKDIR /opt/veche/src
COPY . .

# Veche and its pinned dependencies (constraints.txt: the versions the tests ran with); the
# static files collected into the image, outside VECHE_VAR_DIR, so a volume mounted there
# does not hide them (the production settings want a key and hosts even for this: throwaway
# ones, for this command only); then the user Veche runs as, owning only its var directory.
# The translation catalogs compiled (.po → .mo) before the install copies them, by polib:
# the slim image has no gettext, and the compiled catalogs are never committed.
RUN pip install -c constraints.txt polib \
 && python -c "import glob, polib; [polib.pofile(p).save_as_mofile(p[:-3] + '.mo') for p in glob.glob('*/locale/*/LC_MESSAGES/django.po')]" \
 && pip uninstall -y polib \
 && pip install -c constraints.txt . \
 && VECHE_SECRET_KEY=collectstatic-only VECHE_ALLOWED_HOSTS=localhost veche collectstatic --noinput -v0 \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/veche --shell /usr/sbin/nologin veche \
 && mkdir -p /var/lib/veche \
 && chown veche:veche /var/lib/veche

USER veche
WORKDIR /var/lib/veche
EXPOSE 8000

# /healthz is answered whatever the Host header and over plain http (ops.middleware).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

CMD ["veche", "serve", "--host", "0.0.0.0", "--port", "8000"]
