#!/usr/bin/env bash
# Django's deployment checks against the production settings, failing on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.prod
export VECHE_SECRET_KEY=${VECHE_SECRET_KEY:-$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))")}
export VECHE_ALLOWED_HOSTS=${VECHE_ALLOWED_HOSTS:-news.example.org}
export VECHE_VAR_DIR=${VECHE_VAR_DIR:-$PWD/var/audit}
.venv/bin/veche check --deploy --fail-level WARNING
echo "audit: the production settings pass Django's deployment checks"
.venv/bin/veche makemigrations --check --dry-run >/dev/null || {
  echo "audit: a model changed without its migration (run: veche makemigrations)"; exit 1; }
echo "audit: every model change has its migration"
