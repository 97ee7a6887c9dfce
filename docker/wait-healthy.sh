#!/usr/bin/env bash
# Waits until every given container is healthy (or running, when it has no
# healthcheck); bounded. Compose v1 has no `up --wait`, so this is it.
#
#   docker/wait-healthy.sh SECONDS CONTAINER_ID...
set -euo pipefail

timeout="$1"; shift
[ $# -gt 0 ] || { echo "wait-healthy: no containers given (is the stack up?)" >&2; exit 1; }
deadline=$((SECONDS + timeout))

state_of() {
    docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1"
}

for id in "$@"; do
    while :; do
        read -r name status health < <(state_of "$id")
        case "$status/$health" in
            running/healthy|running/none) break ;;
            exited/*|dead/*) echo "wait-healthy: ${name#/} is $status" >&2; docker logs --tail 30 "$id" >&2; exit 1 ;;
        esac
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "wait-healthy: ${name#/} still $status/$health after ${timeout}s" >&2
            docker logs --tail 30 "$id" >&2
            exit 1
        fi
        sleep 2
    done
done
