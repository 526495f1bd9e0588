#!/usr/bin/env bash
# Make sure the base image debian:bookworm-slim exists locally. Idempotent.
#
#   scripts/seed-base-image.sh
#
# 1. Present locally: do nothing.
# 2. Else try `docker pull` with a short timeout (no registry is reachable on the lab machines).
# 3. Else build it: `debootstrap --variant=minbase bookworm <tmpdir> <mirror>` and
#    `tar -C <tmpdir> -c . | docker import - debian:bookworm-slim` (about 30 s plus download).
#    The mirror is the one apt already uses (/etc/apt/sources.list{,.d}); the temp dir is removed.
#
# Env: BASE_IMAGE (default debian:bookworm-slim), DEBIAN_MIRROR (override the mirror),
#      PULL_TIMEOUT (seconds, default 15), SEED_TMPDIR (parent of the temp dir, default /var/tmp).
set -euo pipefail

BASE_IMAGE=${BASE_IMAGE:-debian:bookworm-slim}
PULL_TIMEOUT=${PULL_TIMEOUT:-15}
SUITE=bookworm
export PATH="$PATH:/usr/sbin:/sbin"

step() { printf 'seed-base-image: %s\n' "$*"; }
fail() {
  printf 'seed-base-image: ERROR: %s\n' "$*" >&2
  exit 1
}

docker info >/dev/null 2>&1 || fail "docker is not answering; run scripts/ensure-docker.sh first"

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  step "$BASE_IMAGE present locally ($(docker image inspect --format '{{.Id}}' "$BASE_IMAGE" | cut -c1-19))"
  exit 0
fi

step "trying docker pull $BASE_IMAGE (timeout ${PULL_TIMEOUT} s)"
if timeout "$PULL_TIMEOUT" docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
  step "pulled $BASE_IMAGE"
  exit 0
fi
step "pull failed or timed out: building $BASE_IMAGE with debootstrap"

[ "$(id -u)" -eq 0 ] || fail "debootstrap needs root"
command -v debootstrap >/dev/null 2>&1 || fail "debootstrap missing (scripts/ensure-docker.sh installs it)"

# The mirror apt uses for suite $1 (default bookworm): deb822 *.sources (URIs:) or one-line lists.
find_mirror() {
  local f uri suite=${1:-$SUITE}
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # Stanzas are separated by blank lines; take the URIs of a stanza whose Suites has bookworm.
    uri=$(awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""; enabled = 1
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^[Uu][Rr][Ii][Ss]:/) { sub(/^[^:]*:[ \t]*/, "", $i); uris = $i }
          if ($i ~ /^[Ss]uites:/) { sub(/^[^:]*:[ \t]*/, "", $i); suites = " " $i " " }
          if ($i ~ /^[Ee]nabled:[ \t]*[Nn]o/) enabled = 0
        }
        if (enabled && uris != "" && suites ~ (" " suite " ")) { split(uris, u, /[ \t]+/); print u[1]; exit }
      }' "$f")
    if [ -n "$uri" ]; then
      echo "$uri"
      return
    fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$suite" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) { print $i; exit }
      }' "$f")
    if [ -n "$uri" ]; then
      echo "$uri"
      return
    fi
  done
  [ "$suite" = "$SUITE" ] && echo http://deb.debian.org/debian
  return 0
}

MIRROR=${DEBIAN_MIRROR:-$(find_mirror)}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-$(find_mirror "$SUITE-security")}
step "mirror: $MIRROR${SECURITY_MIRROR:+, security: $SECURITY_MIRROR}"

workdir=$(mktemp -d "${SEED_TMPDIR:-/var/tmp}/chaos-rootfs.XXXXXX")
cleanup() { rm -rf --one-file-system "$workdir"; }
trap cleanup EXIT

keyring=()
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] && keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)

start=$SECONDS
step "debootstrap --variant=minbase $SUITE $workdir/rootfs $MIRROR"
if ! debootstrap --variant=minbase "${keyring[@]}" "$SUITE" "$workdir/rootfs" "$MIRROR" >"$workdir/debootstrap.log" 2>&1; then
  tail -n 20 "$workdir/debootstrap.log" >&2
  fail "debootstrap failed (mirror $MIRROR)"
fi
step "debootstrap done in $((SECONDS - start)) s"

rootfs=$workdir/rootfs
# Same suites as the official image: bookworm, bookworm-updates, bookworm-security.
rm -f "$rootfs/etc/apt/sources.list"
{
  printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$MIRROR" "$SUITE" "$SUITE"
  if [ -n "$SECURITY_MIRROR" ]; then
    printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$SECURITY_MIRROR" "$SUITE"
  fi
} >"$rootfs/etc/apt/sources.list.d/debian.sources"
# Like the official images and docker's mkimage: no service starts during apt installs (there is
# no init in a container), apt cleans its caches, no manuals.
cat >"$rootfs/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# Installed by chaos scripts/seed-base-image.sh: never start services while building images.
exit 101
EOF
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-excludes" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
: >"$rootfs/etc/hostname"
: >"$rootfs/etc/resolv.conf"

step "docker import -> $BASE_IMAGE"
tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --message "chaos scripts/seed-base-image.sh: debootstrap --variant=minbase $SUITE $MIRROR" \
  - "$BASE_IMAGE" >/dev/null || fail "docker import failed"
step "built $BASE_IMAGE in $((SECONDS - start)) s ($(docker image inspect --format '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
