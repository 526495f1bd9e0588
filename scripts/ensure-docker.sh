#!/usr/bin/env bash
# Make sure a Docker engine answers `docker info`. Idempotent.
#
#   scripts/ensure-docker.sh
#
# 1. If `docker info` works (CI runners, a machine where we ran before): do nothing.
# 2. Else install docker.io, iptables and debootstrap with apt-get when missing.
# 3. Start dockerd in the background (log: $DOCKERD_LOG, pid: $DOCKERD_PIDFILE) and wait until
#    `docker info` answers (timeout $DOCKERD_TIMEOUT seconds).
#
# Measured on the target machine (Debian 12, no systemd, cgroup v1, ext4): docker.io 20.10,
# API 1.41, storage driver overlay2, cgroup driver cgroupfs. dockerd picks these by itself; we
# only print what it chose.
#
# Env: DOCKERD_LOG (default /var/log/dockerd.log), DOCKERD_PIDFILE (default /var/run/docker.pid),
#      DOCKERD_TIMEOUT (default 60), DOCKERD_EXTRA_ARGS (extra dockerd flags, word-split).
set -euo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
DOCKERD_PIDFILE=${DOCKERD_PIDFILE:-/var/run/docker.pid}
DOCKERD_TIMEOUT=${DOCKERD_TIMEOUT:-60}

step() { printf 'ensure-docker: %s\n' "$*"; }
fail() {
  printf 'ensure-docker: ERROR: %s\n' "$*" >&2
  exit 1
}

docker_answers() { docker info >/dev/null 2>&1; }

describe_engine() {
  docker info --format 'server {{.ServerVersion}}, storage driver {{.Driver}}, cgroup driver {{.CgroupDriver}} (cgroup v{{.CgroupVersion}})' 2>/dev/null ||
    echo 'server answers'
}

if command -v docker >/dev/null 2>&1 && docker_answers; then
  step "docker engine already running: $(describe_engine)"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
    step "not root: using sudo"
  else
    fail "docker is not answering and this script is not root (and sudo is missing); run it as root"
  fi
fi

# --- 1. packages ----------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || missing+=(iptables)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
# docker.io brings the client; a separately installed client (e.g. /usr/local/bin/docker) is fine.
command -v docker >/dev/null 2>&1 || case " ${missing[*]-} " in *" docker.io "*) ;; *) missing+=(docker.io) ;; esac

if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and apt-get is not available (not Debian?)"
  step "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq || fail "apt-get update failed"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
  step "installed ${missing[*]}"
else
  step "packages present: $(docker --version 2>/dev/null || echo 'docker client ?'), dockerd, iptables, debootstrap"
fi

export PATH="$PATH:/usr/sbin:/sbin"
# The package's postinst may have started an engine already (on machines with an init system).
if docker_answers; then
  step "docker engine running after install: $(describe_engine)"
  exit 0
fi

# --- 2. start dockerd -------------------------------------------------------------------------
if [ -f "$DOCKERD_PIDFILE" ]; then
  oldpid=$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)
  if [ -n "$oldpid" ] && kill -0 "$oldpid" 2>/dev/null; then
    step "dockerd already started (pid $oldpid) but not answering yet; waiting for it"
  else
    step "removing stale pid file $DOCKERD_PIDFILE (pid ${oldpid:-?} not running)"
    "${SUDO[@]}" rm -f "$DOCKERD_PIDFILE"
    oldpid=
  fi
else
  oldpid=
fi

if [ -z "$oldpid" ]; then
  cgroup_fs=$(stat -fc %T /sys/fs/cgroup 2>/dev/null || echo unknown)
  case "$cgroup_fs" in
    cgroup2fs) step "cgroup v2 (unified) detected" ;;
    tmpfs) step "cgroup v1 detected" ;;
    *) step "cgroup filesystem: $cgroup_fs" ;;
  esac
  "${SUDO[@]}" mkdir -p "$(dirname "$DOCKERD_LOG")"
  step "starting dockerd (log $DOCKERD_LOG, pid file $DOCKERD_PIDFILE)"
  # setsid + redirected fds: dockerd outlives this script and does not hold its stdout open.
  "${SUDO[@]}" setsid sh -c 'exec dockerd --pidfile "$1" $2 >>"$3" 2>&1 </dev/null' sh \
    "$DOCKERD_PIDFILE" "${DOCKERD_EXTRA_ARGS:-}" "$DOCKERD_LOG" &
fi

# --- 3. wait -----------------------------------------------------------------------------------
deadline=$((SECONDS + DOCKERD_TIMEOUT))
until docker_answers; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "---- last lines of $DOCKERD_LOG ----" >&2
    tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
    fail "dockerd did not answer 'docker info' within ${DOCKERD_TIMEOUT} s (log: $DOCKERD_LOG)"
  fi
  sleep 0.5
done
step "docker engine answers after $((SECONDS)) s: $(describe_engine)"
