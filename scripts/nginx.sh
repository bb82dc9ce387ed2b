#!/usr/bin/env bash
# Debian's nginx for the multi-instance tests (e2e/cluster/), which put it in front of two
# servers as a round-robin load balancer.
#   scripts/nginx.sh install   installs Debian's nginx when missing (npm test runs it first)
# The tests start nginx themselves, with a configuration file of their own under .e2e/ (nginx -c
# FILE -p DIR); Debian's own nginx service, which the package starts on port 80, is stopped.
set -euo pipefail

nginx_bin() {
  [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx
}

# Like scripts/postgres.sh: one install at a time (apt and dpkg refuse a second one running
# beside the first), the others wait and then find it installed.
install_nginx() {
  [ -n "$(nginx_bin)" ] && return 0
  exec 8>/tmp/portcullis-nginx-install.lock
  flock 8
  if [ -z "$(nginx_bin)" ]; then
    echo "Installing Debian's nginx for the multi-instance tests…" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
    # The package starts its own nginx on port 80; the tests run their own.
    $SUDO service nginx stop >/dev/null 2>&1 || true
  fi
  flock -u 8
}

case "${1:-}" in
  install) install_nginx ;;
  path) nginx_bin || { echo "nginx is not installed: run $0 install" >&2; exit 1; } ;;
  *) echo "usage: $0 install | path" >&2; exit 2 ;;
esac
