#!/usr/bin/env bash
# Generate the platform for every sector (and hostile/multi-stakeholder variants), then in each:
# no `{{` left from copier, byte-identical re-generation, a fresh venv installed with the README's
# command, its tests, migrations up to date, and `check --deploy`.
# Usage: templates/platform/verify/verify.sh [variant ...]   (COPIER=/path/to/copier, WORK=/tmp/...)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TEMPLATE="$(dirname "$HERE")"
COPIER="${COPIER:-copier}"
PYTHON="${PYTHON:-python3}"
WORK="${WORK:-$(mktemp -d)}"
"$PYTHON" "$HERE/make_answers.py" "$WORK/answers" >/dev/null
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=($(cd "$WORK/answers" && ls *.yml | sed 's/\.yml$//'))
for variant in "${variants[@]}"; do
  echo "== $variant"
  dest="$WORK/$variant"
  rm -rf "$dest" "$dest.again"
  "$COPIER" copy --trust --defaults --quiet --data-file "$WORK/answers/$variant.yml" "$TEMPLATE" "$dest"
  "$COPIER" copy --trust --defaults --quiet --data-file "$WORK/answers/$variant.yml" "$TEMPLATE" "$dest.again"
  diff -r "$dest" "$dest.again" >/dev/null || { echo "not reproducible"; exit 1; }
  rm -rf "$dest.again"
  # Co-op strings live only in governance/ (as JSON), the README and the copier answers.
  if grep -rlI -e 'DROP TABLE' -e 'Pedal Power' -e 'تعاونية' "$dest" --exclude-dir=governance \
       --exclude=README.md --exclude=.copier-answers.yml; then echo "a co-op string reached code"; exit 1; fi
  (
    cd "$dest"
    "$PYTHON" -m venv .venv
    .venv/bin/pip install -q -e ".[dev]"
    .venv/bin/pytest -q -p no:cacheprovider
    .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
    DJANGO_SECRET_KEY="verify-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" DJANGO_ALLOWED_HOSTS=coop.example.org \
      .venv/bin/python manage.py check --deploy --fail-level WARNING --settings=config.settings.production
    .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_demo >/dev/null
  )
done
echo "all variants OK ($WORK)"
