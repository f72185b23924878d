#!/usr/bin/env bash
# What the test suite needs from Debian, installed by the project itself (CI runs this as root):
# - ansible-core: the parity tests run the same scenarios through ansible-playbook and tsplay and
#   compare results (they are skipped where ansible-playbook is missing).
# - the lab (test/lab/): openssh-server (the hosts' sshd), openssh-client (ssh, ssh-keygen), sudo
#   (become tests), util-linux (unshare, nsenter). systemd, where present, lets the lab boot it in
#   each host; without it the hosts run sshd under a small init.
set -euo pipefail
need=()
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible-core)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
[ -x /usr/bin/ssh ] && [ -x /usr/bin/ssh-keygen ] || need+=(openssh-client)
[ -x /usr/bin/sudo ] || need+=(sudo)
{ command -v unshare && command -v nsenter; } >/dev/null 2>&1 || need+=(util-linux)
# What the system modules drive on lab hosts, which share this machine's programs: systemd (booted
# in lab hosts for the service modules), procps (sysctl), iproute2 (facts: addresses, default
# route), tzdata (timezone), curl (get_url on the host), gzip/tar/unzip (unarchive), dpkg-dev
# (builds the local apt repository for the package tests), kmod (modprobe's commands, run
# where the machine allows), passwd (useradd, groupadd), hostname, gnupg (signs the local apt
# repository and dearmors its key, as apt_repository's signed-by tests need), wget (get_url's
# fallback when a host has no curl).
[ -x /lib/systemd/systemd ] || need+=(systemd)
command -v sysctl >/dev/null 2>&1 || need+=(procps)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
[ -d /usr/share/zoneinfo/Asia ] || need+=(tzdata)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
command -v dpkg-scanpackages >/dev/null 2>&1 || need+=(dpkg-dev)
command -v modprobe >/dev/null 2>&1 || need+=(kmod)
command -v useradd >/dev/null 2>&1 || need+=(passwd)
command -v hostname >/dev/null 2>&1 || need+=(hostname)
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
command -v wget >/dev/null 2>&1 || need+=(wget)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: not root; skipping ${need[*]} (the tests that need them will be skipped)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Installing openssh-server must not start the machine's own sshd: listening on all addresses, it
# would take port 22 on every loopback address the lab's hosts use. policy-rc.d (exit 101) tells
# the package scripts not to start services; ours lives only for this install.
own_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
  own_policy=1
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# ... nor start it at the next boot (only when this run installed it).
if [[ " ${need[*]} " == *" openssh-server "* ]] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --quiet ssh.service >/dev/null 2>&1 || true
fi
[ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
