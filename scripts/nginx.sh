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

# scripts/debian.sh installs it (one install at a time) and stops the nginx the package starts
# on port 80: the tests run their own.
install_nginx() {
  [ -n "$(nginx_bin)" ] && return 0
  bash "$(dirname "$0")/debian.sh" --stop nginx nginx
}

case "${1:-}" in
  install) install_nginx ;;
  path) nginx_bin || { echo "nginx is not installed: run $0 install" >&2; exit 1; } ;;
  *) echo "usage: $0 install | path" >&2; exit 2 ;;
esac
