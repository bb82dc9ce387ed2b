#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests.
#   scripts/postgres.sh start DIR   installs Debian's postgresql when missing, makes a cluster in
#                                   DIR on a free port and prints its DATABASE_URL
#   scripts/postgres.sh install     installs Debian's postgresql when missing (npm test runs it first)
#   scripts/postgres.sh stop DIR    stops it (the files stay, under .e2e/, for a look afterwards)
# With POSTGRES_DURABLE=1, start keeps fsync and synchronous commits on (the bench sets it).
# initdb and postgres refuse to run as root: as root they run as the `postgres` OS user, which
# Debian's package creates. The cluster listens on 127.0.0.1 only, with a password made per run.
# When the postgres user cannot reach DIR (a parent folder it may not enter), the cluster is
# made in a folder under /tmp instead and DIR becomes a link to it.
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"
if [ "$cmd" != install ]; then
  [ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2; }
  # A link left by an earlier run whose folder under /tmp is gone: start afresh.
  if [ -L "$dir" ] && [ ! -e "$dir" ]; then rm -f "$dir"; fi
  # The real folder (through a link left by an earlier run): the one the postgres user must reach.
  dir="$(mkdir -p "$dir" && cd -P "$dir" && pwd -P)"
fi

pg_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Installs Debian's postgresql unless it is there (scripts/debian.sh: one install at a time,
# its own cluster on 5432 stopped: the tests use their own).
install_postgres() {
  [ -n "$(pg_bin)" ] && return 0
  bash "$(dirname "$0")/debian.sh" --stop postgresql postgresql
}

case "$cmd" in
  install) install_postgres ;;
  start)
    install_postgres
    bin="$(pg_bin)"
    # String(): with FORCE_COLOR set (Playwright sets it in its workers), console.log colors a
    # number, and postgres refuses the port with the escape codes around it.
    port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(String(s.address().port));s.close()})")"
    password="$(node -e "console.log(require('crypto').randomBytes(18).toString('base64url'))")"
    rm -rf "$dir/data"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres:postgres "$dir"; chmod 700 "$dir"
      # CI runs as root in a clone whose parent folders the postgres user may not be allowed to
      # enter (a home folder of mode 700). Then the cluster lives in a folder of its own under
      # /tmp, and DIR becomes a link to it, so that stop DIR (and a look at the logs) still work.
      if ! runuser -u postgres -- test -w "$dir"; then
        given="$dir"
        dir="$(mktemp -d /tmp/portcullis-postgres.XXXXXX)"
        rm -f "$given/initdb.log" "$given/postgres.log" "$given/port"
        rmdir "$given" || { echo "$given is not empty: cannot replace it with a link to $dir" >&2; exit 1; }
        ln -s "$dir" "$given"
        chown postgres:postgres "$dir"; chmod 700 "$dir"
        echo "postgres cannot reach $given: the cluster is in $dir (linked from $given)" >&2
      fi
    fi
    data="$dir/data"
    as_owner mkdir -p "$data"
    (umask 077; printf '%s\n' "$password" > "$dir/pwfile")
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir/pwfile"; fi
    as_owner "$bin/initdb" -D "$data" -U portcullis --pwfile="$dir/pwfile" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    # The tests trade durability for speed: a throwaway cluster never survives a crash anyway.
    # POSTGRES_DURABLE=1 (npm run bench) keeps PostgreSQL's own defaults, so that its figures
    # are those of a real installation.
    speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${POSTGRES_DURABLE:-}" = 1 ] && speed=""
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $port -h 127.0.0.1 -k $dir $speed -c max_connections=500" \
      start >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
    echo "$port" > "$dir/port"
    PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U portcullis portcullis
    echo "postgres://portcullis:${password}@127.0.0.1:${port}/portcullis"
    ;;
  stop)
    bin="$(pg_bin)" || exit 0
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
