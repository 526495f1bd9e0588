# shellcheck shell=bash disable=SC2034
# Shared by vrrp-start, vrrp-stop and vrrp-status (sourced, not run).
#
# /run/chaos-vrrp.impl records what vrrp-start started: "IMPL PID OFFSET" (PID of chaos-vrrpd's
# node process, or of keepalived's parent process; OFFSET: size of chaos-vrrpd's event log
# before this start, so that status never reads an earlier life's events). The entrypoint removes it on every container
# start, so a pid from a previous life (docker kill) is never trusted.
VRRP_CONF=${CHAOS_VRRP_CONF:-/etc/keepalived/keepalived.conf}
VRRP_RECORD=/run/chaos-vrrp.impl
VRRP_LOG_DIR=/var/log/chaos
CHAOS_STATE_FILE=/run/chaos-vrrpd/state.json
CHAOS_PID_FILE=/run/chaos-vrrpd/vrrpd.pid
CHAOS_EVENTS=$VRRP_LOG_DIR/vrrpd-events.jsonl

# The event log offset of the running chaos-vrrpd (0 when unknown).
vrrp_events_offset() {
  local impl pid offset
  if [ -r "$VRRP_RECORD" ] && read -r impl pid offset <"$VRRP_RECORD" && [ -n "${offset:-}" ]; then
    echo "$offset"
  else
    echo 0
  fi
}

# impl from the record, else from CHAOS_VRRP (default chaos).
vrrp_impl() {
  local impl pid
  if [ -r "$VRRP_RECORD" ] && read -r impl pid _ <"$VRRP_RECORD" && [ -n "$impl" ]; then
    echo "$impl"
  else
    echo "${CHAOS_VRRP:-chaos}"
  fi
}

# The running implementation's pid, or nothing. Checks the process is what the record says
# (a recycled pid of another program does not count).
vrrp_pid() {
  local impl pid comm
  [ -r "$VRRP_RECORD" ] || return 0
  read -r impl pid _ <"$VRRP_RECORD" || return 0
  [ -n "${pid:-}" ] && [ -r "/proc/$pid/cmdline" ] || return 0
  # A zombie waiting for tini is not running.
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 0
  comm=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  case "$impl:$comm" in
  chaos:*daemon/main.js*) echo "$pid" ;;
  keepalived:*keepalived*) echo "$pid" ;;
  esac
}

# The VIP addresses of the config's virtual_ipaddress blocks, one a line (first word of each
# line in the block; "ADDR/LEN dev X label Y" gives ADDR).
config_vips() {
  [ -r "$VRRP_CONF" ] || return 0
  awk '
    { sub(/[!#].*/, "") }
    {
      n = split($0, w, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        t = w[i]
        if (t == "") continue
        if (!inblk) {
          if (t == "virtual_ipaddress") { want = 1; continue }
          if (want && t == "{") { inblk = 1; want = 0; first = 1; continue }
          want = 0
        } else {
          if (t == "}") { inblk = 0; continue }
          if (first && t ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(\/[0-9]+)?$/) { sub(/\/.*/, "", t); print t }
          first = 0
        }
      }
      first = 1
    }' "$VRRP_CONF" | awk '!seen[$0]++'
}

# Those config VIPs that are on some interface now.
present_vips() {
  local have vip
  have=$(ip -4 -o addr show 2>/dev/null | awk '{print $4}' | sed 's#/.*##')
  for vip in $(config_vips); do
    if printf '%s\n' "$have" | grep -qxF "$vip"; then echo "$vip"; fi
  done
}
