#!/bin/sh
# As the official image does with RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS: the node's first
# start creates that user (instead of guest) with full rights on the vhost /.
# A node of a cluster (deploy/ha/rabbitmq-cluster.yml) also gets RABBITMQ_ERLANG_COOKIE, the secret
# the nodes share, and RABBITMQ_CLUSTER_NODES ("rabbit@a rabbit@b ..."): at its first start it joins
# the first of them that runs (classic peer discovery).
set -eu
conf=/tmp/rabbitmq.conf
cp /etc/rabbitmq/rabbitmq.conf "$conf"
if [ -n "${RABBITMQ_DEFAULT_USER:-}" ] && [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then
    printf 'default_user = %s\ndefault_pass = %s\n' "$RABBITMQ_DEFAULT_USER" "$RABBITMQ_DEFAULT_PASS" >>"$conf"
fi
if [ -n "${RABBITMQ_ERLANG_COOKIE:-}" ]; then
    cookie="$HOME/.erlang.cookie"
    if [ -f "$cookie" ]; then chmod 600 "$cookie"; fi
    printf '%s' "$RABBITMQ_ERLANG_COOKIE" >"$cookie"
    chmod 400 "$cookie"
fi
if [ -n "${RABBITMQ_CLUSTER_NODES:-}" ]; then
    echo "cluster_formation.peer_discovery_backend = classic_config" >>"$conf"
    i=0
    for node in $RABBITMQ_CLUSTER_NODES; do
        i=$((i + 1))
        echo "cluster_formation.classic_config.nodes.$i = $node" >>"$conf"
    done
fi
# The passwords are in the configuration and the cookie file, not in the environment of what runs next.
unset RABBITMQ_DEFAULT_USER RABBITMQ_DEFAULT_PASS RABBITMQ_ERLANG_COOKIE
export RABBITMQ_CONFIG_FILE="$conf"
exec "$@"
