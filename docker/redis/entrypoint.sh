#!/bin/sh
# As the official image does: with no configuration file, Redis would refuse
# connections from other containers (protected mode), so turn it off here;
# the port is reachable only on the compose network and the host's loopback.
set -e
if [ "${1#-}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && { [ -z "${2:-}" ] || [ "${2#-}" != "$2" ]; }; then
    set -- "$@" --protected-mode no
fi
exec "$@"
