#!/usr/bin/env bash
# Regenerates keepalived's own verdicts on the config fixtures in test/fixtures/keepalived/oracle/,
# so the unit tests compare chaos's reader with keepalived 2.2.7 without needing keepalived.
#
# For each NAME.conf: NAME.verdict.txt, keepalived -t's exit code and what it printed (absolute
# paths made relative to the fixture directory). For each NAME.conf with a "! dump" line:
# NAME.dump.txt, the router id and the "VRRP Topology" part of the configuration dump (-d) of the VRRP process,
# run until it has written the dump and then stopped (10 s at most). A "! config-id: ID" line passes -i ID.
#
# Everything runs in a private network namespace (unshare -n) holding only veth pairs named
# eth0, eth1 and eth9 (the interfaces the fixtures use): no packet leaves the machine.
# Needs root, unshare(1), ip(8) and keepalived 2.2.7 (Debian: apt-get install keepalived; do not
# enable its service). Usage: sudo scripts/keepalived-oracle.sh
set -euo pipefail

dir="$(cd "$(dirname "$0")/../test/fixtures/keepalived/oracle" && pwd)"
version="$(keepalived --version 2>&1 || true)"
case "$version" in
  *v2.2.7*) ;;
  *) echo "keepalived 2.2.7 needed, found: ${version%%$'\n'*}" >&2; exit 1 ;;
esac

links='for i in eth0 eth1 eth9; do ip link add $i type veth peer name $i-peer; ip link set $i up; ip link set $i-peer up; done; ip addr add 10.9.0.1/24 dev eth0'
run_dir="$(mktemp -d)"
trap 'rm -rf "$run_dir"' EXIT

relative() { sed -e "s#$dir/##g" -e 's/^[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* [0-9]*: //'; }

for conf in "$dir"/*.conf; do
  name="$(basename "$conf" .conf)"
  id="$(sed -n 's/^! config-id: //p' "$conf")"
  args=(-l -n -f "$conf")
  [ -n "$id" ] && args+=(-i "$id")
  set +e
  out="$(cd "$dir" && unshare -n sh -c "$links; keepalived -t ${args[*]}" 2>&1)"
  rc=$?
  set -e
  { echo "exit $rc"; printf '%s\n' "$out" | relative | grep -v '^$' || true; } > "$dir/$name.verdict.txt"
  echo "$name: keepalived -t exit $rc"

  grep -q '^! dump' "$conf" || continue
  # The VRRP process only (-P), in the foreground (-n), stopped once its dump is complete
  # (the Interfaces section follows the VRRP Topology one) or after 10 s.
  dump="$run_dir/$name.dump"
  (cd "$dir" && unshare -n sh -c "$links; keepalived -P -d -D ${args[*]} \
      -p $run_dir/k.pid -r $run_dir/v.pid > $dump 2>&1 & pid=\$!; \
      for i in \$(seq 50); do grep -q '< Interfaces >' $dump && break; sleep 0.2; done; \
      kill -TERM \$pid; wait \$pid") || true
  # The router id (keepalived's default is the host name: written as "(host name)") and the
  # VRRP Topology section (without other processes' log lines, such as "Startup complete").
  # (awk reads to the end: an early exit would break the pipe under pipefail.)
  relative < "$dump" | awk '/^ Router ID = / && !seen { print; seen = 1 }' \
    | sed "s/ = $(hostname)\$/ = (host name)/" > "$dir/$name.dump.txt"
  relative < "$dump" \
    | sed -n '/------< VRRP Topology >------/,/------< /p' | sed '$d' \
    | awk '/^( |------< )/' >> "$dir/$name.dump.txt"
  echo "$name: dump, $(wc -l < "$dir/$name.dump.txt") lines"
done

# Only our own runs are checked (they name a fixture); other keepalived processes are not ours.
if pgrep -f "keepalived.*$dir" > /dev/null; then
  echo "a keepalived run of ours is still running: $(pgrep -a -f "keepalived.*$dir")" >&2
  exit 1
fi
