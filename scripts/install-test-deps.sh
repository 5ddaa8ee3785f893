#!/usr/bin/env bash
# Installs the real servers the integration tests start on loopback (Debian packages), when missing.
# The packages' own default instances are kept from starting: tests run their own, from generated config.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
have postfix || need+=(postfix)
have dovecot || need+=(dovecot-core dovecot-imapd dovecot-pop3d)
[ -x /usr/lib/dovecot/imap-login ] || need+=(dovecot-imapd)
[ -x /usr/lib/dovecot/pop3-login ] || need+=(dovecot-pop3d)
have nginx || need+=(nginx)
have slapd || need+=(slapd)
have ldapsearch || need+=(ldap-utils)
have openssl || need+=(openssl)
have promtool || need+=(prometheus)
have prometheus || need+=(prometheus)
have prometheus-blackbox-exporter || need+=(prometheus-blackbox-exporter)   # the bench's smoke run (test/bench-smoke.test.ts)
have systemd-analyze || need+=(systemd)
have python3 || need+=(python3-minimal)   # test/helpers/scripted.ts: a listener with a full accept queue

if [ ${#need[@]} -eq 0 ]; then
  echo "install-test-deps: all test servers present"
  exit 0
fi

exec "$(dirname "$0")/apt-install.sh" "${need[@]}"
