#!/usr/bin/env bash
# Start the web server, a Celery worker and beat together; Ctrl-C (or any of them dying) stops all.
set -euo pipefail
BIN=${1:-.venv/bin}
PORT=${2:-8000}
mkdir -p var/broker/out var/broker/processed var/broker/control

pids=()
cleanup() {
    trap - INT TERM EXIT
    echo
    echo "Stopping web, worker and beat..."
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$BIN/celery" -A config worker --loglevel=INFO --concurrency=2 &
pids+=($!)
"$BIN/celery" -A config beat --loglevel=INFO --schedule="${BEAT_SCHEDULE:-var/celerybeat-schedule}" &
pids+=($!)
"$BIN/python" manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)

sleep 3
cat <<MSG

  Vendor governance is running at http://127.0.0.1:$PORT/
  Log in as  demo / demo-governance   (admin at http://127.0.0.1:$PORT/admin/)
  A Celery worker and beat run beside it. Ctrl-C stops all three.

MSG
wait -n "${pids[@]}"
