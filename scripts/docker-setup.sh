#!/usr/bin/env bash
# Makes a Docker engine answer on this machine, then builds the local test images.
# - `docker info` already works: nothing to install or start.
# - root on Debian: installs Debian's docker.io and starts dockerd in the background (there is no
#   systemd here), logging to $BERTH_DOCKERD_LOG, and waits (bounded) until it answers.
# - otherwise: says what is missing and exits non-zero; the real-Docker tests then skip themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

log=${BERTH_DOCKERD_LOG:-/var/log/berth-dockerd.log}
wait_seconds=${BERTH_DOCKERD_WAIT_SECONDS:-60}
pidfile=/var/run/docker.pid
containerd_pidfile=/var/run/docker/containerd/containerd.pid

engine_answers() { docker info >/dev/null 2>&1; }

# The pid in pid file $1 if it is a live process named $2. A killed dockerd or containerd can
# linger as a zombie for seconds under this sandbox's PID 1; their pid files then make a new
# dockerd refuse to start ("pid file found") or wait on a dead containerd, so zombies count as dead.
live_pid_in() {
  local pid comm state
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  read -r _ comm state _ <"/proc/$pid/stat" || return 1
  [ "$comm" = "($2)" ] && [ "$state" != Z ] || return 1
  echo "$pid"
}

# Waits until `docker info` answers (0) or dockerd dies or time runs out (1).
wait_for_engine() {
  local pid=$1 i
  for ((i = 0; i < wait_seconds * 2; i++)); do
    engine_answers && return 0
    kill -0 "$pid" 2>/dev/null || { echo "dockerd exited" >&2; return 1; }
    sleep 0.5
  done
  echo "dockerd did not answer within ${wait_seconds}s" >&2
  return 1
}

# Starts dockerd with the given flags; on failure prints the log lines it wrote and returns 1.
start_dockerd() {
  local from pid
  from=$(($(wc -l <"$log" 2>/dev/null || echo 0) + 1))
  rm -f "$pidfile"
  live_pid_in "$containerd_pidfile" containerd >/dev/null || rm -f "$containerd_pidfile"
  echo "starting dockerd $* (log: $log)"
  # setsid: dockerd outlives this script and is not in its process group.
  # Every awsvpc task (and warm spare) is a network of its own: Docker's default pools hold ~30,
  # so give it 1,024 /26 networks from one private /16 instead.
  setsid dockerd --default-address-pool base=10.213.0.0/16,size=26 "$@" >>"$log" 2>&1 </dev/null &
  pid=$!
  wait_for_engine "$pid" && return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  tail -n "+$from" "$log" | tail -n 15 >&2 || true
  new_log_lines=$(tail -n "+$from" "$log" 2>/dev/null || true)
  return 1
}

if ! engine_answers; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "no Docker engine answers (docker info failed), and this is not root on Debian:" >&2
    echo "  install and start a Docker engine (Debian: apt-get install docker.io; dockerd &)," >&2
    echo "  or point DOCKER_HOST at one. The real-Docker tests are skipped without it." >&2
    exit 1
  fi
  if ! command -v dockerd >/dev/null; then
    echo "installing Debian's docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # busybox-static: the test images' only content (scripts/test-image.sh).
    apt-get install -y -qq --no-install-recommends docker.io iptables busybox-static >/dev/null
  fi
  if pid=$(live_pid_in "$pidfile" dockerd); then
    # One is running but not answering yet (still starting): wait for it rather than start another.
    echo "waiting for the running dockerd (pid $pid)"
    wait_for_engine "$pid" || { echo "dockerd (pid $pid) does not answer; see $log" >&2; exit 1; }
  else
    new_log_lines=''
    if ! start_dockerd; then
      # Bridge networking needs iptables; where this kernel refuses it, run without (published
      # ports still work through docker-proxy, but containers get no NAT to the outside).
      if grep -qi iptables <<<"$new_log_lines"; then
        start_dockerd --iptables=false || { echo "dockerd would not start; see $log" >&2; exit 1; }
      else
        echo "dockerd would not start; see $log" >&2
        exit 1
      fi
    fi
  fi
fi

docker version --format 'docker engine {{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || true
docker info --format 'cgroup v{{.CgroupVersion}} ({{.CgroupDriver}}), storage {{.Driver}}' 2>/dev/null || true
bash scripts/test-image.sh
