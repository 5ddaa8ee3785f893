#!/usr/bin/env bash
# Installs what `npm run bench` needs besides the test servers (Debian's prometheus-blackbox-exporter), when missing.
set -euo pipefail

"$(dirname "$0")/install-test-deps.sh"

if [ -x /usr/bin/prometheus-blackbox-exporter ]; then
  echo "install-bench-deps: prometheus-blackbox-exporter present"
  exit 0
fi

"$(dirname "$0")/apt-install.sh" prometheus-blackbox-exporter
