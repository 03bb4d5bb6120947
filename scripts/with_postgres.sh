#!/usr/bin/env bash
# Run a command beside a throw-away PostgreSQL cluster (in a temporary folder, on a free port of
# 127.0.0.1), with ZICHA_TEST_DATABASE_URL pointing at it; the cluster is removed afterwards.
# Without PostgreSQL's server programs it says so and exits 0, except under CI=true, where it fails.
set -euo pipefail

initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$initdb" ] || initdb=$(command -v initdb || true)
if [ -z "$initdb" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is not installed (Debian package postgresql): the server suite cannot run on it" >&2
    exit 1
  fi
  echo "PostgreSQL is not installed: the server suite ran on SQLite only (apt-get install postgresql)"
  exit 0
fi
bin=$(dirname "$initdb")

dir=$(mktemp -d "${TMPDIR:-/tmp}/zicha-pg.XXXXXX")
as=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: run the cluster as the postgres user (or nobody)
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || owner=nobody
  chown "$owner" "$dir"
  as=(runuser -u "$owner" --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U zicha -E UTF8 --locale=C.UTF-8 >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U zicha zicha

export ZICHA_TEST_DATABASE_URL="postgresql://zicha@127.0.0.1:$port/zicha"
"$@"
