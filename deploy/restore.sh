#!/usr/bin/env bash
# Puts a backup that deploy/backup.sh wrote back into one region's compose stack (the same
# region, or a new host where `docker compose up -d` created the volumes), then starts it.
#
#   deploy/restore.sh ENV_FILE BACKUP_FOLDER
#
# The stack is stopped, both volumes are emptied and filled from the backup (checked against its
# SHA256SUMS first), and started again; it returns once every container is healthy. Messages published after the backup are not in it:
# run `bapas rebuild-views <service>` afterwards (docs/operations.md, Backup and restore).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 ENV_FILE BACKUP_FOLDER" >&2; exit 2; }
ENV_FILE="$(realpath "$1")"; SRC="$(cd "$2" && pwd)"
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
compose() { "${COMPOSE[@]}" --env-file "$ENV_FILE" "$@"; }
fill() {  # service, data folder inside it, archive name
    compose run --rm --no-deps -T --user 0 -v "$SRC:/backup:ro" --entrypoint sh "$1" \
        -c "find $2 -mindepth 1 -delete && tar -C $2 -xzpf /backup/$3"
}

(cd "$SRC" && sha256sum --check --quiet SHA256SUMS)
running=$(compose ps --services --filter status=running | tr '\n' ' ')
compose stop
fill redis /data redis-data.tgz
fill rabbitmq /var/lib/rabbitmq rabbitmq-data.tgz
compose start ${running:-}
bash docker/wait-healthy.sh "${BAPAS_WAIT_SECONDS:-180}" $(compose ps -q)
