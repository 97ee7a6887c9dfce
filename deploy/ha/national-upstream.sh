#!/bin/sh
# Adds a region to the national view (deploy/ha/national.yml): the national broker federates the
# region's `bapas.events` into its own. Run it in the national broker's container, e.g.
#
#   docker compose ... -p bapas-national exec -T rabbitmq sh -s sumsel \
#       'amqp://bapas:PASSWORD@rabbitmq-sumsel:5672/%2F' < deploy/ha/national-upstream.sh
#
# Federation keeps a durable queue on the region's broker, bound to the keys the national laporan
# consumes, and acknowledges there only what the national broker has confirmed (ack-mode on-confirm):
# a link that is cut catches up when it is back. Running it again for a region replaces its URI.
set -eu
region="$1"
uri="$2"
rabbitmqctl -q set_parameter federation-upstream "$region" \
    "{\"uri\": \"$uri\", \"ack-mode\": \"on-confirm\", \"reconnect-delay\": 5}"
rabbitmqctl -q set_policy --apply-to exchanges national-view '^bapas\.events$' '{"federation-upstream-set": "all"}'
