#!/usr/bin/env bash
# What the test suite needs from Debian, installed by the project itself (CI runs this as root):
# - ansible-core: the parity tests run the same scenarios through ansible-playbook and tsplay and
#   compare results (they are skipped where ansible-playbook is missing).
set -euo pipefail
need=()
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible-core)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: not root; skipping ${need[*]} (the tests that need them will be skipped)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
