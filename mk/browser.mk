# The portal's browser tier (tests/browser) drives Debian's Chromium through Playwright from PyPI
# (never `playwright install`). `make test` installs Chromium with apt-get when it is missing and
# this user may; where it cannot, the browser tests skip and say why.

.PHONY: chromium

chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Chromium for the browser tests (apt-get install chromium)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } || \
	    echo "Chromium could not be installed: tests/browser will skip"; \
	  else echo "no Chromium and no root apt-get: tests/browser will skip"; fi; }

test: chromium
