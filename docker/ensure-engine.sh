#!/usr/bin/env bash
# Makes sure a Docker engine and a compose command are there and answering:
# installs Debian's docker.io and docker-compose when missing, starts dockerd
# in the background when it is not running, and waits (bounded) for it.
#
#   BAPAS_ENGINE_TIMEOUT   seconds to wait for `docker info` (default 60)
#   DOCKERD_LOG            where dockerd writes (default /var/log/dockerd.log)
# Exits non-zero, saying why, when no engine can be had on this machine.
set -euo pipefail

TIMEOUT="${BAPAS_ENGINE_TIMEOUT:-60}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"

log() { printf 'ensure-engine: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

have_compose() {
    docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null
}

apt_install() {
    [ "$(id -u)" = 0 ] || die "$* missing and not root: install them (apt-get install -y $*) or run as root"
    command -v apt-get >/dev/null || die "$* missing and no apt-get here: install a Docker engine and compose by hand"
    log "installing $* with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "$@" >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null; } ||
        die "apt-get could not install $*"
}

wait_for_engine() {
    local deadline=$((SECONDS + TIMEOUT))
    until docker info >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 1
    done
}

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
have_compose || missing+=(docker-compose)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

if docker info >/dev/null 2>&1; then
    log "engine already running ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    exit 0
fi

if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    log "starting docker through systemd"
    systemctl start docker || true
else
    [ "$(id -u)" = 0 ] || die "dockerd is not running and only root can start it here"
    log "starting dockerd in the background (log: $DOCKERD_LOG)"
    # setsid: the engine outlives the make or pytest process that started it
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
fi

if ! wait_for_engine; then
    tail -n 15 "$DOCKERD_LOG" >&2 2>/dev/null || true
    die "the Docker engine did not answer within ${TIMEOUT}s (see $DOCKERD_LOG)"
fi
log "engine ready ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
