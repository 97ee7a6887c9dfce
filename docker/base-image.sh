#!/usr/bin/env bash
# Builds the Debian base image that hosts without a registry use instead of
# python:3.11-slim-bookworm, redis:7 and rabbitmq:3. It is made once and reused:
# a run finds the image already there and exits at once.
#
#   BAPAS_BASE_IMAGE       image name (default bapas/debian-base:bookworm)
#   DEBIAN_MIRROR          Debian archive (default: the one this host's apt
#                          uses, else debootstrap's own default)
#   DEBIAN_SECURITY_MIRROR security archive (default: the one this host's apt uses)
#   BAPAS_BASE_REBUILD=1   build again even if the image exists
set -euo pipefail

IMAGE="${BAPAS_BASE_IMAGE:-bapas/debian-base:bookworm}"
SUITE=bookworm

log() { printf 'base-image: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The first URI the host's apt uses for a given suite, so the image reaches the
# same mirror (and through the same proxy or DNS) as this machine does.
host_mirror() {
    local suite="$1" files=() f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && files+=("$f")
    done
    [ ${#files[@]} -gt 0 ] || return 0
    # deb822 stanzas: URIs and Suites lines of the same stanza
    awk -v suite="$suite" '
        /^URIs:/   { uri = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && uri ~ /debian/) { print uri; exit } }
        /^deb[ \t]/ { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $(i+1) == suite) { print $i; exit } }
        /^$/ { uri = "" }
    ' "${files[@]}" | head -n1
}

command -v docker >/dev/null || die "docker is not installed: run docker/ensure-engine.sh first"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer: run docker/ensure-engine.sh first"

if [ "${BAPAS_BASE_REBUILD:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "$IMAGE already exists; reusing it"
    exit 0
fi

MIRROR="${DEBIAN_MIRROR:-$(host_mirror "$SUITE")}"
SECURITY="${DEBIAN_SECURITY_MIRROR:-$(host_mirror "$SUITE-security")}"

if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    apt-get install -y -q debootstrap >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null && apt-get install -y -q debootstrap >/dev/null; } ||
        die "could not install debootstrap with apt-get"
fi

ROOTFS=$(mktemp -d /var/tmp/bapas-rootfs.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT

log "debootstrap --variant=minbase $SUITE ${MIRROR:-(default mirror)} (under a minute)"
# shellcheck disable=SC2086 # an empty MIRROR means debootstrap's default
debootstrap --variant=minbase "$SUITE" "$ROOTFS" $MIRROR >"$ROOTFS.log" 2>&1 ||
    { tail -n 20 "$ROOTFS.log" >&2; rm -f "$ROOTFS.log"; die "debootstrap failed"; }
rm -f "$ROOTFS.log"

# The image's apt uses the host's mirrors; without them, the sources.list that
# debootstrap wrote (its mirror, main suite) stays.
if [ -n "$MIRROR" ]; then
    {
        printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$MIRROR" "$SUITE" "$SUITE"
        printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        if [ -n "$SECURITY" ]; then
            printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' "$SECURITY" "$SUITE"
            printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        fi
    } >"$ROOTFS/etc/apt/sources.list.d/debian.sources"
    rm -f "$ROOTFS/etc/apt/sources.list"
fi

# Same apt settings as Debian's official images: no recommends, no caches kept.
cat >"$ROOTFS/etc/apt/apt.conf.d/90bapas" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
APT
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*

log "importing the root filesystem as $IMAGE"
tar --numeric-owner -C "$ROOTFS" -c . |
    docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$IMAGE" >/dev/null
log "$IMAGE is ready ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
