#!/bin/sh
# As the official image does with RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS: the node's first
# start creates that user (instead of guest) with full rights on the vhost /.
set -eu
conf=/tmp/rabbitmq.conf
cp /etc/rabbitmq/rabbitmq.conf "$conf"
if [ -n "${RABBITMQ_DEFAULT_USER:-}" ] && [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then
    printf 'default_user = %s\ndefault_pass = %s\n' "$RABBITMQ_DEFAULT_USER" "$RABBITMQ_DEFAULT_PASS" >>"$conf"
fi
# The password is in the configuration, not in the environment of what runs next.
unset RABBITMQ_DEFAULT_USER RABBITMQ_DEFAULT_PASS
export RABBITMQ_CONFIG_FILE="$conf"
exec "$@"
