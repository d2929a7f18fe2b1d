#!/usr/bin/env bash
# The production-like run, for machines without Docker: migrate and collect static files, then
# gunicorn, a Celery worker and exactly one beat, on the production settings, against the
# PostgreSQL and Redis that DATABASE_URL and CELERY_BROKER_URL name. Mail goes to EMAIL_URL;
# when that is unset, to a local SMTP sink that prints every message it receives.
# Ctrl-C or SIGTERM stops everything; so does any one of the processes dying.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/governance \
#   CELERY_BROKER_URL=redis://127.0.0.1:6379/0 scripts/stack.sh
#
# Optional: PORT (8000), WEB_CONCURRENCY (2 gunicorn workers), WORKER_CONCURRENCY (2),
# SMTP_SINK_PORT (1025), STACK_STATE_DIR (var/stack: beat's schedule and pid file),
# SECRET_KEY (a random one per run when unset), BIN (.venv/bin), and any variable of
# .env.example.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/governance}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL to a Redis database, e.g. redis://127.0.0.1:6379/0}"
case $DATABASE_URL in
    postgres://* | postgresql://* | pgsql://*) ;;
    *) echo "stack.sh: DATABASE_URL must name a PostgreSQL database" >&2; exit 2 ;;
esac
case $CELERY_BROKER_URL in
    redis://* | rediss://*) ;;
    *) echo "stack.sh: CELERY_BROKER_URL must name a Redis database" >&2; exit 2 ;;
esac

export DJANGO_SETTINGS_MODULE=config.settings.production
export PORT=${PORT:-8000}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:$PORT}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
# Plain HTTP on the loopback interface: there is no TLS proxy to redirect to.
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-False}
if [[ -z ${SECRET_KEY:-} ]]; then
    SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
    export SECRET_KEY
fi
STATE=${STACK_STATE_DIR:-var/stack}
mkdir -p "$STATE"

pids=()
stop() {
    trap - INT TERM EXIT
    if ((${#pids[@]})); then
        echo "stack.sh: stopping ${pids[*]}" >&2
        kill -TERM "${pids[@]}" 2>/dev/null || true
        # A warm shutdown lets a worker finish the email it is sending; then no more waiting.
        for _ in $(seq 40); do
            kill -0 "${pids[@]}" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
        wait 2>/dev/null || true
    fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z ${EMAIL_URL:-} ]]; then
    SMTP_SINK_PORT=${SMTP_SINK_PORT:-1025}
    "$BIN/python" -m aiosmtpd --nosetuid --listen "127.0.0.1:$SMTP_SINK_PORT" &
    pids+=($!)
    export EMAIL_URL="smtp://127.0.0.1:$SMTP_SINK_PORT"
fi

# The schema is migrated before any process of the new code serves or works.
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput --verbosity 0

"$BIN/gunicorn" --config config/gunicorn.py config.wsgi &
pids+=($!)
"$BIN/celery" -A config worker --loglevel INFO --hostname "worker@%h" \
    --concurrency "${WORKER_CONCURRENCY:-2}" &
pids+=($!)
# Exactly one beat: its pid file refuses a second one started from the same state directory.
"$BIN/celery" -A config beat --loglevel INFO --schedule "$STATE/celerybeat-schedule" \
    --pidfile "$STATE/celerybeat.pid" &
pids+=($!)

cat >&2 <<MSG

  Vendor governance (production settings) on $SITE_URL/ (health: $SITE_URL/healthz)
  gunicorn x$WEB_CONCURRENCY, a Celery worker and one beat; mail to $EMAIL_URL
  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}"
