#!/usr/bin/env bash
# Installs what `npm run bench:serving` needs beyond npm packages: nginx (Debian package),
# used only as the peer reverse proxy the gateway is measured against. The benchmark runs
# its own nginx as a child process with a config in a temp dir; the system service is
# neither configured nor started here.
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  echo "nginx present: $( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | head -n1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "nginx is missing and this is not root (and no sudo): install the Debian package nginx" >&2; exit 1; }
  SUDO="sudo"
fi

# policy-rc.d exit 101 keeps Debian's maintainer scripts from starting the system nginx
# service (it would bind port 80); the benchmark starts its own nginx.
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod +x "$POLICY"
  CREATED_POLICY=1
fi
cleanup() { if [ "$CREATED_POLICY" = 1 ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null
echo "nginx installed: $(/usr/sbin/nginx -v 2>&1 | head -n1)"
