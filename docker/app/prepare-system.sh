#!/bin/sh
# Runs inside the image build, as root, on either base image: the official
# python:3.11-slim-bookworm (Python present) or the debootstrapped Debian base
# (nothing but apt). Installs Python from Debian when it is missing, trusts the
# certificates handed in through CA_BUNDLE, creates /opt/venv and the user.
set -eu

CA_DIR=/tmp/bapas-ca

need_apt=""
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt="python3 python3-venv"
command -v update-ca-certificates >/dev/null || need_apt="$need_apt ca-certificates"
if [ -n "$need_apt" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $need_apt
    rm -rf /var/lib/apt/lists/*
fi

found=""
for cert in "$CA_DIR"/*.crt "$CA_DIR"/*.pem; do
    [ -f "$cert" ] || continue
    name=$(basename "$cert")
    cp "$cert" "/usr/local/share/ca-certificates/bapas-${name%.*}.crt"
    found=1
done
[ -z "$found" ] || update-ca-certificates >/dev/null
rm -rf "$CA_DIR"

python3 -m venv /opt/venv
groupadd --system --gid 10001 bapas
useradd --system --uid 10001 --gid 10001 --home-dir /home/bapas --create-home \
    --shell /usr/sbin/nologin bapas
