#!/usr/bin/env bash
# One-time (idempotent) setup of a Debian 12 machine for chaos:
#   1. Debian tools the tests and analysis use: tshark, tcpdump, iputils-arping, iproute2,
#      chromium (the HTML report test), libxml2-utils (xmllint: JUnit schema check),
#      prometheus (promtool: the --metrics output check);
#   2. a Docker engine (scripts/ensure-docker.sh) and the debian:bookworm-slim base image
#      (scripts/seed-base-image.sh: pulled, or built with debootstrap when no registry answers);
#   3. npm ci (builds the raw-socket addon) and npm run build (dist/).
# Lab images are built on first use by `chaos lab up` / `chaos run` (about 60 s cold), and
# rebuilt only when their inputs change.
#
# Env: CHAOS_SKIP_APT=1 skips step 1 (tools already present); CHAOS_SKIP_DOCKER=1 skips step 2
# (simulator-only use).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\nsetup: %s\n' "$*"; }
export PATH="$PATH:/usr/sbin:/sbin"

APT_PACKAGES=(tshark tcpdump iputils-arping iproute2 chromium libxml2-utils prometheus)
if [ "${CHAOS_SKIP_APT:-}" != 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)
    step "apt-get install ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    # tshark asks whether non-root users may capture: answer no, non-interactively.
    echo 'wireshark-common wireshark-common/install-setuid boolean false' |
      "${SUDO[@]}" debconf-set-selections
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    step "Debian tools present: ${APT_PACKAGES[*]}"
  fi
fi

if [ "${CHAOS_SKIP_DOCKER:-}" != 1 ]; then
  step "Docker engine"
  bash scripts/ensure-docker.sh
  bash scripts/seed-base-image.sh
fi

step "npm ci"
npm ci --no-audit --no-fund
step "npm run build"
npm run build
step "done: try  npx chaos run scenarios/split-brain.yaml"
