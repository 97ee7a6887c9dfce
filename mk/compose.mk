# Compose targets, included by the Makefile. The stack is docker-compose.yml;
# on hosts without an image registry (the default here) docker-compose.debian.yml
# builds Redis and RabbitMQ from Debian's packages on a debootstrapped base.
#
#   BAPAS_COMPOSE_DEBIAN=0   use the official redis / rabbitmq / python images
#   ENV_FILE=deploy/regions/x.env   settings of one region (default: .env, which
#                            compose-up makes, with new secrets, if missing)
#   BAPAS_VERSION=x.y.z      the images' tag (default: the env file's, else latest)
#   COMPOSE=...              the compose command (default: `docker compose`
#                            when present, else `docker-compose`)

COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
BAPAS_COMPOSE_DEBIAN ?= 1
export BAPAS_COMPOSE_DEBIAN
COMPOSE_FILES ?= -f docker-compose.yml $(if $(filter 1,$(BAPAS_COMPOSE_DEBIAN)),-f docker-compose.debian.yml)
COMPOSE_RUN = $(COMPOSE) $(COMPOSE_FILES) $(if $(ENV_FILE),--env-file $(ENV_FILE))
COMPOSE_WAIT_SECONDS ?= 180

.PHONY: compose-engine compose-base compose-build compose-up compose-down compose-test

# The services refuse to start without BAPAS_JWT_SECRET, nor Redis and RabbitMQ without their
# passwords: a first `make compose-up` writes .env from .env.example with secrets of its own.
SECRETS := BAPAS_JWT_SECRET REDIS_PASSWORD RABBITMQ_PASSWORD KLIEN_NIK_INDEX_KEY
.env:
	@{ if [ -f .env.example ]; then grep -v -E '^($(subst $() ,|,$(SECRETS)))=' .env.example; fi; \
	   for name in $(SECRETS); do echo "$$name=$$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"; done; } > $@
	@echo "wrote $@ with new $(SECRETS); set BAPAS_REGION and the ports there"

compose-engine:
	@bash docker/ensure-engine.sh

compose-base: compose-engine
	@if [ "$(BAPAS_COMPOSE_DEBIAN)" = 1 ]; then bash docker/base-image.sh; fi

compose-build: compose-base
	@bash docker/host-ca.sh
	$(COMPOSE_RUN) build

compose-up: compose-build $(if $(ENV_FILE),,.env)
	$(COMPOSE_RUN) up -d
	@bash docker/wait-healthy.sh $(COMPOSE_WAIT_SECONDS) $$($(COMPOSE_RUN) ps -q)
	@scheme=$$([ -f "$${BAPAS_TLS_DIR:-deploy/tls}/tls.crt" ] && echo https || echo http); \
	for svc in klien:5001 pokmas:5002 bimbingan:5003 laporan:5004; do \
		echo "$${svc%%:*}: $$scheme://$$($(COMPOSE_RUN) port front $${svc##*:})"; done

compose-down:
	$(COMPOSE_RUN) down

# The e2e tests against the compose stack: pytest-docker builds (from cache)
# and starts it under its own project name and ports, and removes it after.
# $(STAMP) is the Makefile's "project installed in .venv" (empty without it).
compose-test: compose-base $(STAMP)
	@bash docker/host-ca.sh
	.venv/bin/pytest tests/e2e --stack=compose
