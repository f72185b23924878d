#!/usr/bin/env bash
# PID 1 of one lab host. lab.sh starts it through
#   unshare --mount --uts --pid --fork --propagation private --kill-child=SIGKILL
# so every mount made here lives only in the host's own mount namespace: when the namespace's last
# process dies the kernel drops them, and nothing can leak into the machine's mount table.
#
# Usage: host-init.sh HOST_DIR NAME ADDRESS PORT INIT [CGROUP_DIR]
#   HOST_DIR  holds the host's ssh host key (made by lab.sh) and its empty mount points root/ and
#             rw/, and receives init.pid. The lab's client key and hosts.lines are in HOST_DIR/../../
#   INIT      plain: this script stays PID 1 and reaps; sshd runs as its child.
#             systemd: systemd becomes PID 1 in a cgroup namespace rooted at CGROUP_DIR (an empty
#             cgroup v2 directory lab.sh made for this host) and starts ssh.service.
# The password of the user `deploy` is read from LAB_DIR/deploy-password: never in an environment
# or argv, where the tests look for leaked passwords.
set -euo pipefail

host_dir=$1 name=$2 address=$3 port=$4 init=$5 cgroup_dir=${6:-}
lab_dir=${host_dir%/hosts/*}
root=$host_dir/root
rw=$host_dir/rw

# /proc is still the machine's here, so the PID in our own stat is the one the machine sees: the PID
# that `lab.sh down` kills (killing a PID namespace's init ends every process in it).
read -r machine_pid _ < /proc/self/stat
echo "$machine_pid" > "$host_dir/init.pid"

hostname "$name"
deploy_password=$(cat "$lab_dir/deploy-password")

# The overlay's upper and work dirs must not sit on the lower filesystem (the kernel refuses
# overlapping layers), so they get a tmpfs of their own.
mount -t tmpfs -o mode=0755 "tsplay-lab-$name" "$rw"
mkdir "$rw/upper" "$rw/work"
mount -t overlay "tsplay-lab-$name" -o "lowerdir=/,upperdir=$rw/upper,workdir=$rw/work" "$root"

mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777,nosuid,nodev "tsplay-lab-$name" "$root/dev/shm"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
# /proc/sys is the machine's kernel: read-only, so nothing in a host (sysctl -w, systemd-sysctl,
# binfmt) can change the machine. Reading values works.
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
# A fresh read-only sysfs: tools that read /sys work, and the machine's cgroup mounts stay out of reach.
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
mount -t tmpfs -o mode=0755,nosuid,nodev "tsplay-lab-$name" "$root/run"
# The overlay's upper layer, read-only: exactly what changed on this host since it started, so tests
# can prove that a check-mode run wrote nothing without walking the machine's whole filesystem.
mkdir -p "$root/run/tsplay-lab/upper"
mount --bind "$rw/upper" "$root/run/tsplay-lab/upper"
mount -o remount,bind,ro "$root/run/tsplay-lab/upper"
# The lower layer's /tmp holds the machine's temp files (the lab's own private key among them).
mount -t tmpfs -o mode=1777,nosuid,nodev "tsplay-lab-$name" "$root/tmp"

# Each host gets only its own host key, so hosts are distinguishable by key.
rm -f "$root"/etc/ssh/ssh_host_*
install -m 0600 "$host_dir/ssh_host_ed25519_key" "$root/etc/ssh/ssh_host_ed25519_key"
install -m 0644 "$host_dir/ssh_host_ed25519_key.pub" "$root/etc/ssh/ssh_host_ed25519_key.pub"
# A new machine's root has Debian's skeleton shell files, not whatever this machine's root added
# (a pyenv init there costs every SSH command ~100 ms and rewrites files under /root).
for f in .bashrc .profile; do
  [ -f "/etc/skel/$f" ] && install -m 0644 "/etc/skel/$f" "$root/root/$f"
done
install -d -m 0700 "$root/root/.ssh"
install -m 0600 "$lab_dir/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
# sshd keeps the first value it reads for most options, and the Debian sshd_config includes
# sshd_config.d/*.conf before its own settings, so this file wins.
mkdir -p "$root/etc/ssh/sshd_config.d"
cat > "$root/etc/ssh/sshd_config.d/00-tsplay-lab.conf" << EOF
# Written by the tsplay lab: this host listens on its own loopback address only.
ListenAddress $address:$port
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PidFile /run/sshd.pid
EOF
echo "$name" > "$root/etc/hostname"
od -An -tx1 -N16 /dev/urandom | tr -d ' \n' > "$root/etc/machine-id"
echo >> "$root/etc/machine-id"
# sudo warns when the hostname does not resolve; the lab's names resolve everywhere in the lab.
cat "$lab_dir/hosts.lines" >> "$root/etc/hosts"

if [ "$init" = systemd ]; then
  # Boot a small target of our own: the machine's multi-user.target would start its services
  # (databases, timers that reach the network, a getty on the machine's console).
  units=$root/etc/systemd/system
  mkdir -p "$units"
  cat > "$units/tsplay-lab.target" << 'EOF'
[Unit]
Description=tsplay lab host
Wants=ssh.service systemd-user-sessions.service
AllowIsolate=yes
EOF
  # Until systemd-user-sessions runs, /run/nologin turns away every login but root's: sshd starts
  # after it, so a host that answers on port 22 lets `deploy` in.
  mkdir -p "$units/ssh.service.d"
  cat > "$units/ssh.service.d/tsplay-lab.conf" << 'EOF'
[Unit]
After=systemd-user-sessions.service
EOF
  ln -sfn tsplay-lab.target "$units/default.target"
  # timesyncd talks NTP to the internet; tmpfiles-setup-dev writes into /dev, which is the machine's.
  for unit in systemd-timesyncd.service systemd-tmpfiles-setup-dev.service; do
    ln -sfn /dev/null "$units/$unit"
  done
  echo 0 > "$cgroup_dir/cgroup.procs"
fi

mkdir "$root/.tsplay-lab-oldroot"
cd "$root"
pivot_root . .tsplay-lab-oldroot
cd /
umount -l /.tsplay-lab-oldroot
rmdir /.tsplay-lab-oldroot

# From here on everything runs inside the host's own root.
id -u deploy > /dev/null 2>&1 || useradd --create-home --shell /bin/bash deploy
printf 'deploy:%s\n' "$deploy_password" | chpasswd
install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh
install -m 0600 -o deploy -g deploy /root/.ssh/authorized_keys /home/deploy/.ssh/authorized_keys
echo 'deploy ALL=(ALL:ALL) ALL' > /etc/sudoers.d/tsplay-lab-deploy
chmod 0440 /etc/sudoers.d/tsplay-lab-deploy
unset deploy_password

if [ "$init" = systemd ]; then
  # The cgroup namespace makes CGROUP_DIR the host's cgroup root, which systemd then manages as if it
  # were a whole machine. The trailing argument is ignored by systemd (as PID 1 it reads extra
  # arguments like kernel command line words) and marks the process as this lab's for lab.sh.
  exec unshare --cgroup sh -c '
    mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup &&
    exec /lib/systemd/systemd --unit=tsplay-lab.target "tsplay-lab.host=$1"' sh "$host_dir"
fi

mkdir -p /run/sshd
# sshd daemonizes and is adopted by this init; `lab.sh start` starts it the same way from outside.
# The log file's name also marks the process as the lab's in `ps` output.
/usr/sbin/sshd -E /var/log/tsplay-lab-sshd.log

# Stay alive as the namespace's init: bash reaps every child it is handed (orphaned sessions
# included) each time SIGCHLD interrupts the wait.
exec 0< /dev/null
while :; do
  sleep 3600 &
  wait $! || true
done
