#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the store tests and print its SQLAlchemy URL.
#
#   url=$(scripts/postgres-for-tests.sh)            # start; stdout is the URL only, progress goes to stderr
#   COACH_TEST_POSTGRES_URL=$url .venv/bin/pytest tests/test_store.py
#   scripts/postgres-for-tests.sh stop DIR          # stop the server whose files are in DIR (see stderr)
#
# Environment:
#   COACH_PG_DIR   folder for the cluster (created if missing; default: a new mktemp folder under /tmp)
#   COACH_PG_PORT  TCP port (default: a free port on 127.0.0.1)
#
# PostgreSQL binaries: whatever `initdb`/`pg_ctl` are on PATH, else the newest /usr/lib/postgresql/*/bin,
# else (as root on Debian) `apt-get install -y postgresql`. PostgreSQL refuses to run as root, so as root
# the cluster belongs to the `postgres` system user (created if missing) and commands run via runuser/su.
# The server listens on 127.0.0.1 only, with a random password (scram-sha-256) for TCP connections.
set -euo pipefail

log() { printf '%s\n' "postgres-for-tests: $*" >&2; }
die() { log "$*"; exit 1; }

find_bindir() {
    local dir
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    # newest installed major version first
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

# Run a command as the cluster owner (the current user unless we are root).
as_owner() {
    # the owner may not be allowed into the caller's working directory
    cd /
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u "$PG_OWNER" -- "$@"
        else
            su -s /bin/sh "$PG_OWNER" -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

if [ "$(id -u)" -eq 0 ]; then
    PG_OWNER=postgres
else
    PG_OWNER=$(id -un)
fi

if [ "${1:-start}" = "stop" ]; then
    dir=${2:?usage: postgres-for-tests.sh stop DIR}
    bindir=$(find_bindir) || die "no PostgreSQL binaries found"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    exit 0
fi

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL not found; installing it with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y postgresql >&2
        bindir=$(find_bindir) || die "apt-get installed postgresql but no initdb/pg_ctl was found"
    else
        die "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin); install the 'postgresql' package"
    fi
fi
log "using $("$bindir/postgres" --version) from $bindir"

if [ "$(id -u)" -eq 0 ] && ! id "$PG_OWNER" >/dev/null 2>&1; then
    log "creating system user $PG_OWNER"
    useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_OWNER"
fi

dir=${COACH_PG_DIR:-$(mktemp -d /tmp/coach-pg.XXXXXX)}
mkdir -p "$dir"
chmod 700 "$dir"
if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_OWNER" "$dir"
fi

port=${COACH_PG_PORT:-}
if [ -z "$port" ]; then
    # ask the kernel for a free port; a tiny race remains, pg_ctl below fails loudly if it is lost
    if command -v python3 >/dev/null 2>&1; then
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    else
        # no python: probe random high ports until one refuses connections
        for _ in $(seq 1 50); do
            port=$((20000 + RANDOM % 40000))
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
        done
    fi
fi

password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
user=coach
database=coach_test

printf '%s\n' "$password" > "$dir/pwfile"
chmod 600 "$dir/pwfile"
[ "$(id -u)" -eq 0 ] && chown "$PG_OWNER" "$dir/pwfile"

log "initialising a cluster in $dir/data"
as_owner "$bindir/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/pwfile" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
rm -f "$dir/pwfile"

log "starting the server on 127.0.0.1:$port"
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >&2 \
    || { cat "$dir/server.log" >&2; die "the server did not start"; }

as_owner "$bindir/createdb" -h "$dir" -p "$port" -U "$user" "$database" \
    || die "createdb failed"

log "running; stop it with: $0 stop $dir"
printf 'postgresql+psycopg://%s:%s@127.0.0.1:%s/%s\n' "$user" "$password" "$port" "$database"
