#!/usr/bin/env bash
# Copies this host's CA bundle into docker/ca/, the default CA_BUNDLE of the
# image build, so that pip inside the build trusts what the host trusts (a
# TLS-inspecting proxy, a private mirror). Rewrites the file only when it
# changed, which keeps the build cache valid.
#
#   HOST_CA_BUNDLE   the bundle to copy (default /etc/ssl/certs/ca-certificates.crt)
set -euo pipefail

src="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
dest="$(dirname "$0")/ca/host-ca-certificates.crt"

if [ ! -r "$src" ]; then
    echo "host-ca: no CA bundle at $src; building with the image's own CAs" >&2
    rm -f "$dest"
    exit 0
fi
cmp -s "$src" "$dest" 2>/dev/null || cp "$src" "$dest"
