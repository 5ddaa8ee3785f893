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
have systemd-analyze || need+=(systemd)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-test-deps: all test servers present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi

echo "install-test-deps: installing ${need[*]}"
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '[ $created_policy -eq 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "install-test-deps: done"
