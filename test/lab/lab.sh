#!/usr/bin/env bash
# The tsplay lab: N real OpenSSH hosts on this machine, each in its own mount, UTS and PID
# namespaces over an overlay of the machine's / (see test/lab/README.md). Needs root.
#
#   bash test/lab/lab.sh up N          bring up lab1..labN on 127.0.<subnet>.1..N, port 22
#   bash test/lab/lab.sh down          stop exactly what `up` started and remove the lab dir
#   bash test/lab/lab.sh status        list the hosts and whether their sshd answers
#   bash test/lab/lab.sh stop NAME     stop one host's sshd (the host itself stays up)
#   bash test/lab/lab.sh start NAME    start it again
#   bash test/lab/lab.sh exec NAME CMD...   run CMD inside the host (nsenter), as root
#
# Environment: TSPLAY_LAB_DIR (default /tmp/tsplay-lab), TSPLAY_LAB_SUBNET (third address
# octet, default 10), TSPLAY_LAB_PORT (sshd port, default 22; another one is needed where the
# machine's own sshd listens on all addresses), TSPLAY_LAB_TIMEOUT (seconds to wait for the hosts' sshd, default 30),
# TSPLAY_LAB_INIT (auto | systemd | plain; auto boots systemd in each host where this machine
# allows it and falls back to plain, a small reaper init with sshd as its child).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab_dir=${TSPLAY_LAB_DIR:-/tmp/tsplay-lab}
subnet=${TSPLAY_LAB_SUBNET:-10}
port=${TSPLAY_LAB_PORT:-22}
[ "${1:-}" = up ] || [ ! -f "$lab_dir/port" ] || port=$(cat "$lab_dir/port")
timeout_s=${TSPLAY_LAB_TIMEOUT:-30}
init_request=${TSPLAY_LAB_INIT:-auto}
readonly deploy_password=labpass
readonly systemd_bin=/lib/systemd/systemd
readonly clean_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# A systemd host holds 4 inotify instances once booted (systemd, journald) and a few more while
# booting; the kernel allows fs.inotify.max_user_instances (128 by default) to all of root's
# processes together, and past that systemd hangs half-booted.
readonly inotify_per_systemd_host=6

die() { echo "lab: $*" >&2; exit 1; }

# Recorded PIDs are only ever signalled while their command line still names this lab's dir,
# so a PID the kernel has since given to another process is left alone.
marker="$lab_dir/hosts/"
owned() { # PID -> true when it is alive and one of ours
  local pid=$1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -qF -- "$marker"
}
recorded_pid() { # NAME FILE -> the PID in hosts/NAME/FILE, if any
  cat "$lab_dir/hosts/$1/$2" 2> /dev/null || true
}
init_pid() { # NAME -> machine PID of the host's namespace init, if it is still ours
  local pid
  pid=$(recorded_pid "$1" init.pid)
  owned "$pid" && echo "$pid"
}
host_address() { # NAME -> address from hosts.tsv
  awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$lab_dir/hosts.tsv" 2> /dev/null
}
lab_init() { cat "$lab_dir/init" 2> /dev/null || echo plain; }

# True once ADDRESS:$port answers with an SSH banner (bash's /dev/tcp: no extra tools needed).
sshd_answers() {
  (
    banner=''
    exec 3<> "/dev/tcp/$1/$port" || exit 1
    IFS= read -r -t 2 banner <&3 || true
    [[ $banner == SSH-2.0-* ]]
  ) 2> /dev/null
}
port_closed() { ! (exec 3<> "/dev/tcp/$1/$port") 2> /dev/null; }

in_host() { # NAME CMD... -> run CMD inside the host's namespaces and root, with a clean environment
  local name=$1 pid
  shift
  pid=$(init_pid "$name") || die "$name is not running"
  nsenter --target "$pid" --mount --uts --pid --cgroup --root --wd -- \
    env -i PATH="$clean_path" HOME=/root LANG=C.UTF-8 "$@"
}

wait_until() { # SECONDS CMD... -> run CMD until it succeeds or SECONDS pass
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# --- systemd or not ------------------------------------------------------------------------

cgroup2_root() { # -> the machine's cgroup v2 mount (pure v2, or the "unified" one of a hybrid setup)
  local dir
  for dir in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    [ "$(stat -fc %T "$dir" 2> /dev/null)" = cgroup2fs ] && { echo "$dir"; return 0; }
  done
  return 1
}

inotify_in_use() { find /proc/[0-9]*/fd -lname 'anon_inode:inotify' 2> /dev/null | wc -l; }

# Removes a cgroup directory tree (only possible once no process is left in it), deepest first.
remove_cgroup_tree() {
  [ -d "$1" ] || return 0
  find "$1" -depth -type d -exec rmdir {} + 2> /dev/null || true
  [ ! -d "$1" ]
}

# N -> "systemd" or "plain" on stdout (the reason for plain on stderr). For systemd it also creates
# the lab's cgroup and records it in $lab_dir/cgroup, since creating it is the real test.
choose_init() {
  local n=$1 why='' root='' parent='' budget
  case $init_request in
    plain) echo plain; return 0 ;;
    auto | systemd) ;;
    *) die "TSPLAY_LAB_INIT must be auto, systemd or plain" ;;
  esac
  budget=$(($(cat /proc/sys/fs/inotify/max_user_instances) - $(inotify_in_use)))
  if [ ! -x "$systemd_bin" ]; then
    why="$systemd_bin is missing"
  elif ! root=$(cgroup2_root); then
    why="no cgroup v2 hierarchy is mounted"
  elif [ $((n * inotify_per_systemd_host)) -gt "$budget" ]; then
    why="$n systemd hosts need about $((n * inotify_per_systemd_host)) inotify instances and only $budget are left (fs.inotify.max_user_instances)"
  else
    # Named after the lab dir, which no two live labs share.
    parent=$root/tsplay-lab${lab_dir//\//_}
    remove_cgroup_tree "$parent" || why="cgroup $parent is left from an earlier lab and still in use"
    [ -n "$why" ] || mkdir "$parent" 2> /dev/null || why="cannot create a cgroup under $root"
  fi
  if [ -n "$why" ]; then
    [ "$init_request" = auto ] || die "systemd hosts are not possible here: $why"
    echo "lab: hosts run without systemd: $why" >&2
    echo plain
    return 0
  fi
  echo "$parent" > "$lab_dir/cgroup"
  echo systemd
}

# --- up ------------------------------------------------------------------------------------

prepare_lab() { # N -> client key, host list, per-host dirs and host keys
  local n=$1 i name
  ssh-keygen -q -t ed25519 -N '' -C tsplay-lab -f "$lab_dir/id_ed25519"
  : > "$lab_dir/hosts.tsv"
  : > "$lab_dir/hosts.lines"
  for ((i = 1; i <= n; i++)); do
    name=lab$i
    printf '%s\t127.0.%d.%d\t%d\n' "$name" "$subnet" "$i" "$port" >> "$lab_dir/hosts.tsv"
    printf '127.0.%d.%d %s\n' "$subnet" "$i" "$name" >> "$lab_dir/hosts.lines"
    mkdir -p "$lab_dir/hosts/$name/root" "$lab_dir/hosts/$name/rw"
    ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$lab_dir/hosts/$name/ssh_host_ed25519_key"
  done
}

launch_hosts() { # INIT -> every host starts at once
  local init=$1 name address host_dir cgroup_dir=''
  (umask 077 && printf '%s' "$deploy_password" > "$lab_dir/deploy-password")
  while IFS=$'\t' read -r name address _; do
    host_dir=$lab_dir/hosts/$name
    if [ "$init" = systemd ]; then
      cgroup_dir=$(cat "$lab_dir/cgroup")/$name
      mkdir "$cgroup_dir"
    fi
    # A clean environment, and setsid keeps the host out of the caller's session and terminal.
    env -i PATH="$clean_path" LANG=C.UTF-8 container=tsplay-lab \
      setsid unshare --mount --uts --pid --fork --propagation private --kill-child=SIGKILL \
      bash "$here/host-init.sh" "$host_dir" "$name" "$address" "$port" "$init" ${cgroup_dir:+"$cgroup_dir"} \
      > "$host_dir/console.log" 2>&1 < /dev/null &
    echo $! > "$host_dir/unshare.pid"
    disown
  done < "$lab_dir/hosts.tsv"
}

describe_failure() { # NAME -> the host's console, and systemd's view when it is still running
  local name=$1
  echo "lab: $name console:" >&2
  sed 's/^/  /' "$lab_dir/hosts/$name/console.log" >&2 || true
  if [ "$(lab_init)" = systemd ] && init_pid "$name" > /dev/null; then
    in_host "$name" sh -c 'systemctl is-system-running; systemctl --failed --no-pager;
      journalctl -b -p warning --no-pager | tail -n 20' < /dev/null 2>&1 | sed 's/^/  /' >&2 || true
  fi
}

wait_for_hosts() { # -> 0 once every host's sshd answers; else says which host failed and why
  local deadline=$(($(date +%s) + timeout_s)) name address
  while IFS=$'\t' read -r name address _; do
    until sshd_answers "$address"; do
      if ! owned "$(recorded_pid "$name" unshare.pid)"; then
        echo "lab: $name stopped while starting" >&2
        describe_failure "$name"
        return 1
      fi
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "lab: $name did not answer on $address:$port within ${timeout_s}s" >&2
        describe_failure "$name"
        return 1
      fi
      sleep 0.05
    done
  done < "$lab_dir/hosts.tsv"
}

# Kills every recorded process that is still ours and waits until they are gone, then removes the
# systemd hosts' cgroups. Prints how many processes it stopped.
stop_hosts() {
  local host_dir pid pids=()
  for host_dir in "$lab_dir"/hosts/*/; do
    [ -d "$host_dir" ] || continue
    for pid in $(cat "$host_dir/init.pid" "$host_dir/unshare.pid" 2> /dev/null || true); do
      owned "$pid" && pids+=("$pid")
    done
  done
  # SIGKILL on a namespace's init kills the whole PID namespace; unshare's --kill-child covers an
  # init that had not yet written its PID.
  [ ${#pids[@]} -eq 0 ] || kill -KILL "${pids[@]}" 2> /dev/null || true
  for pid in "${pids[@]}"; do
    wait_until 10 bash -c '! [ -e /proc/$1 ] || grep -q "^State:.*Z" /proc/$1/status' _ "$pid" ||
      die "process $pid did not end; lab dir kept"
  done
  if [ -f "$lab_dir/cgroup" ]; then
    remove_cgroup_tree "$(cat "$lab_dir/cgroup")" || die "cannot remove cgroup $(cat "$lab_dir/cgroup"); lab dir kept"
    rm -f "$lab_dir/cgroup"
  fi
  echo ${#pids[@]}
}

cmd_up() {
  local n=${1:-} i
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 254 ] || die "usage: lab.sh up N (1..254)"
  [[ $subnet =~ ^[0-9]+$ ]] && [ "$subnet" -le 255 ] || die "TSPLAY_LAB_SUBNET must be 0..255"
  [[ $port =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "TSPLAY_LAB_PORT must be 1..65535"
  [[ $lab_dir =~ ^/[A-Za-z0-9._/-]+$ ]] || die "TSPLAY_LAB_DIR must be an absolute path of letters, digits, . _ - /"
  [ "$(id -u)" = 0 ] || die "the lab needs root (namespaces, mounts)"
  [ -x /usr/sbin/sshd ] || die "sshd is missing: run test/setup/install-deps.sh"
  if [ -e "$lab_dir/hosts.tsv" ] || [ -e "$lab_dir/hosts" ]; then
    die "a lab is already up in $lab_dir (run: TSPLAY_LAB_DIR=$lab_dir lab.sh down)"
  fi
  if [ -d "$lab_dir" ] && [ -n "$(ls -A "$lab_dir")" ]; then
    die "$lab_dir is not empty; the lab owns its dir and removes it at down"
  fi
  for ((i = 1; i <= n; i++)); do
    # A listener on all addresses (the machine's own sshd?) takes the port on every loopback address.
    port_closed "127.0.$subnet.$i" ||
      die "127.0.$subnet.$i:$port is in use (another lab on subnet $subnet, or a server on all addresses?)"
  done

  mkdir -p "$lab_dir"
  echo "$port" > "$lab_dir/port"
  # From here a failed `up` takes down whatever it started.
  up_done=0
  trap '[ "$up_done" = 1 ] || { echo "lab: up failed; taking down what was started" >&2; cmd_down > /dev/null || true; }' EXIT
  prepare_lab "$n"
  local init
  init=$(choose_init "$n")
  echo "$init" > "$lab_dir/init"
  launch_hosts "$init"
  if ! wait_for_hosts; then
    [ "$init" = systemd ] && [ "$init_request" = auto ] || exit 1
    echo "lab: systemd hosts did not come up; starting them without systemd" >&2
    stop_hosts > /dev/null
    init=plain
    echo plain > "$lab_dir/init"
    launch_hosts plain
    wait_for_hosts || exit 1
  fi

  write_inventory
  write_known_hosts
  write_json
  up_done=1
  echo "lab: $n hosts up in $lab_dir, init $init (inventory: $lab_dir/inventory.ini)"
}

write_inventory() {
  local name address port_var=' '
  [ "$port" = 22 ] || port_var=" ansible_port=$port "
  {
    echo "# tsplay lab: written by test/lab/lab.sh up, removed by down."
    echo "[lab]"
    while IFS=$'\t' read -r name address _; do
      echo "$name ansible_host=$address${port_var}ansible_user=root ansible_ssh_private_key_file=$lab_dir/id_ed25519"
    done < "$lab_dir/hosts.tsv"
  } > "$lab_dir/inventory.ini"
}

write_known_hosts() {
  local name address key_type key
  while IFS=$'\t' read -r name address _; do
    read -r key_type key _ < "$lab_dir/hosts/$name/ssh_host_ed25519_key.pub"
    if [ "$port" = 22 ]; then echo "$address $key_type $key"; else echo "[$address]:$port $key_type $key"; fi
  done < "$lab_dir/hosts.tsv" > "$lab_dir/known_hosts"
}

# For the TypeScript wrapper (test/lab/lab.ts): everything it needs in one read. The values need
# no JSON escaping: names and addresses are generated, and cmd_up restricts the dir's characters.
write_json() {
  local name address host_port first=1
  {
    printf '{"dir":"%s","init":"%s","cgroup":"%s","keyPath":"%s","inventoryPath":"%s","knownHostsPath":"%s","hosts":[' \
      "$lab_dir" "$(lab_init)" "$(cat "$lab_dir/cgroup" 2> /dev/null || true)" \
      "$lab_dir/id_ed25519" "$lab_dir/inventory.ini" "$lab_dir/known_hosts"
    while IFS=$'\t' read -r name address host_port; do
      [ $first = 1 ] || printf ','
      first=0
      printf '{"name":"%s","address":"%s","port":%d,"initPid":%d,"unsharePid":%d}' \
        "$name" "$address" "$host_port" "$(recorded_pid "$name" init.pid)" "$(recorded_pid "$name" unshare.pid)"
    done < "$lab_dir/hosts.tsv"
    printf ']}\n'
  } > "$lab_dir/lab.json"
}

# --- down, status, stop, start, exec -------------------------------------------------------

cmd_down() {
  [ -d "$lab_dir" ] || { echo "lab: nothing to take down in $lab_dir"; return 0; }
  local stopped mount_point
  stopped=$(stop_hosts)
  # The mounts lived in the hosts' own mount namespaces and went with them; anything still mounted
  # under the lab dir in ours would be a leak, so detach it before removing the dir.
  while read -r mount_point; do
    umount "$mount_point" 2> /dev/null || umount -l "$mount_point" || die "cannot unmount $mount_point"
  done < <(awk -v d="$lab_dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  # --one-file-system: never descend into something mounted after all.
  rm -rf --one-file-system "$lab_dir"
  echo "lab: down ($stopped processes stopped, $lab_dir removed)"
}

cmd_status() {
  [ -f "$lab_dir/hosts.tsv" ] || { echo "lab: no lab in $lab_dir"; return 0; }
  local name address pid state
  echo "lab: $lab_dir, init $(lab_init)"
  printf '%-8s %-15s %-8s %s\n' NAME ADDRESS PID SSHD
  while IFS=$'\t' read -r name address _; do
    pid=$(init_pid "$name" || true)
    if [ -z "$pid" ]; then state=down
    elif sshd_answers "$address"; then state=up
    else state=stopped
    fi
    printf '%-8s %-15s %-8s %s\n' "$name" "$address" "${pid:--}" "$state"
  done < "$lab_dir/hosts.tsv"
}

cmd_stop() {
  local name=${1:?usage: lab.sh stop NAME} address
  address=$(host_address "$name")
  [ -n "$address" ] || die "no host $name in $lab_dir"
  if [ "$(lab_init)" = systemd ]; then
    in_host "$name" systemctl stop ssh.service
  else
    in_host "$name" sh -c '[ ! -s /run/sshd.pid ] || kill "$(cat /run/sshd.pid)"'
  fi
  wait_until 10 port_closed "$address" || die "$name still answers on $address:$port"
}

cmd_start() {
  local name=${1:?usage: lab.sh start NAME} address
  address=$(host_address "$name")
  [ -n "$address" ] || die "no host $name in $lab_dir"
  sshd_answers "$address" && return 0
  if [ "$(lab_init)" = systemd ]; then
    in_host "$name" systemctl start ssh.service
  else
    in_host "$name" /usr/sbin/sshd -E /var/log/tsplay-lab-sshd.log
  fi
  wait_until "$timeout_s" sshd_answers "$address" || die "$name does not answer on $address:$port"
}

cmd_exec() {
  local name=${1:?usage: lab.sh exec NAME CMD...}
  shift
  [ $# -gt 0 ] || die "usage: lab.sh exec NAME CMD..."
  in_host "$name" "$@"
}

case ${1:-} in
  up) cmd_up "${2:-}" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  stop) cmd_stop "${2:-}" ;;
  start) cmd_start "${2:-}" ;;
  exec) shift; cmd_exec "$@" ;;
  *) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
