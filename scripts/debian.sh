#!/usr/bin/env bash
# Installs the Debian packages the tests need, when dpkg says they are not installed yet:
#   scripts/debian.sh [--stop SERVICE]... PACKAGE...
# --stop: a service the package starts on install (nginx on port 80, postgresql on 5432,
# prometheus on 9090, rsyslog) that the tests do not want: stopped right after installing it.
# The tests start their own instances on 127.0.0.1, with files of their own under .e2e/.
#
# One install at a time on the machine (apt and dpkg refuse a second one beside the first):
# several vitest workers or scripts may ask at once; one installs, the others wait and then
# find the packages installed.
set -euo pipefail

stop=()
while [ "${1:-}" = --stop ]; do stop+=("$2"); shift 2; done
[ $# -gt 0 ] || { echo "usage: $0 [--stop SERVICE]... PACKAGE..." >&2; exit 2; }

missing() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
  done
}

[ -z "$(missing "$@")" ] && exit 0
exec 8>/tmp/portcullis-apt.lock
flock 8
mapfile -t packages < <(missing "$@")
[ ${#packages[@]} -eq 0 ] && exit 0

echo "Installing Debian's ${packages[*]} for the tests…" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
for service in "${stop[@]}"; do $SUDO service "$service" stop >/dev/null 2>&1 || true; done
