# One image for every API and worker: `bapas serve <service>` or
# `bapas worker <service>`.
#
# Build arguments:
#   BASE_IMAGE     python:3.11-slim-bookworm (default, needs a registry), or any
#                  Debian bookworm image without Python, such as the
#                  bapas/debian-base:bookworm that docker/base-image.sh makes:
#                  Python then comes from Debian's packages.
#   CA_BUNDLE      a PEM file, or a folder of *.crt / *.pem files, inside the
#                  build context whose certificates the build trusts (a
#                  TLS-inspecting proxy, a private mirror). Default docker/ca,
#                  where docker/host-ca.sh puts this host's bundle.
#   PIP_INDEX_URL  the package index pip installs from (empty: pip's default,
#                  PyPI). It is kept in the image's history: put no credentials in it.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

ARG CA_BUNDLE=docker/ca
ARG PIP_INDEX_URL=

ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DEFAULT_TIMEOUT=120 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PATH=/opt/venv/bin:$PATH

COPY ${CA_BUNDLE} /tmp/bapas-ca/
COPY docker/app/prepare-system.sh /tmp/prepare-system.sh
RUN sh /tmp/prepare-system.sh && rm /tmp/prepare-system.sh

# Dependencies first, in their own layer: editing the code does not reinstall them.
COPY pyproject.toml docker/app/requirements-from-pyproject.py /tmp/deps/
RUN python3 /tmp/deps/requirements-from-pyproject.py /tmp/deps/pyproject.toml > /tmp/deps/requirements.txt \
    && pip install -r /tmp/deps/requirements.txt \
    && rm -rf /tmp/deps

COPY pyproject.toml README.md /src/
COPY shared /src/shared
COPY services /src/services
RUN pip install --no-deps --no-build-isolation /src \
    && rm -rf /src /tmp/* \
    && bapas --help >/dev/null

USER bapas
WORKDIR /home/bapas
ENV BAPAS_BIND_HOST=0.0.0.0
EXPOSE 5000 5001 5002 5003
CMD ["bapas", "--help"]
