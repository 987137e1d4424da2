#!/bin/sh
# Read Docker/Swarm secrets (FILE-suffixed variables), migrate, register the founders, then start.
set -e
for var in DJANGO_SECRET_KEY DB_PASSWORD COOP_CHECKPOINT_KEY DJANGO_EMAIL_HOST_PASSWORD; do
  file_var="${var}_FILE"
  eval file_path="\${$file_var:-}"
  if [ -n "$file_path" ] && [ -f "$file_path" ]; then
    export "$var"="$(cat "$file_path")"
  fi
done
if [ -z "${DATABASE_URL:-}" ] && [ -n "${DB_PASSWORD:-}" ]; then
  export DATABASE_URL="postgres://${DB_USER:-coop}:${DB_PASSWORD}@${DB_HOST:-db}:5432/${DB_NAME:-coop}"
fi
python manage.py migrate --noinput
python manage.py bootstrap_coop
exec "$@"
