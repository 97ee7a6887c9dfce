#!/usr/bin/env bash
# A consistent backup of one region's compose stack: its Redis data (every record, view and
# outbox entry) and RabbitMQ data (definitions, messages in flight), copied with the stack
# stopped (under a minute), into BACKUP_ROOT/<UTC time>/; the newest KEEP backups are kept.
#
#   deploy/backup.sh ENV_FILE BACKUP_ROOT [KEEP]      (KEEP default 14)
#   e.g. cron, 02:30 every night:
#   30 2 * * *  cd /opt/bapas && deploy/backup.sh deploy/regions/sumsel.env /srv/backup/sumsel 14
#
# Uses `docker compose` (v2) or `docker-compose` (v1), and COMPOSE_FILE when set (hosts without a
# registry: COMPOSE_FILE=docker-compose.yml:docker-compose.debian.yml). Returns once the region is
# healthy again (BAPAS_WAIT_SECONDS, default 180, at most) and prints the folder it wrote.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 ENV_FILE BACKUP_ROOT [KEEP]" >&2; exit 2; }
ENV_FILE="$(realpath "$1")"; ROOT="$(mkdir -p "$2" && cd "$2" && pwd)"; KEEP="${3:-14}"
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
compose() { "${COMPOSE[@]}" --env-file "$ENV_FILE" "$@"; }
copy() {  # service, data folder inside it, archive name
    compose run --rm --no-deps -T --user 0 -v "$DEST:/backup" --entrypoint tar "$1" -C "$2" -czf "/backup/$3" .
}

DEST="$ROOT/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$DEST"
running=$(compose ps --services --filter status=running | tr '\n' ' ')
compose stop
trap '[ -z "$running" ] || compose start $running' EXIT
copy redis /data redis-data.tgz
copy rabbitmq /var/lib/rabbitmq rabbitmq-data.tgz
[ -z "$running" ] || compose start $running
trap - EXIT
[ -z "$running" ] || bash docker/wait-healthy.sh "${BAPAS_WAIT_SECONDS:-180}" $(compose ps -q) >&2
(cd "$DEST" && sha256sum ./*.tgz > SHA256SUMS)

# Retention: the newest KEEP backups (folders named by their UTC time sort by age).
find "$ROOT" -mindepth 1 -maxdepth 1 -type d -name '20*T*Z' | sort -r | tail -n +"$((KEEP + 1))" |
    while read -r old; do rm -rf -- "$old"; done
echo "$DEST"
