#!/usr/bin/env bash
# Installs Debian packages listed one per line in a requirements file: by default the ones the
# CytoTriage training/export scripts need (requirements-debian.txt next to this script); other
# modules pass their own list (local-stack: the browser for its browser tests).
#   training/install.sh [requirements file]
#
# Idempotent: if every package is already installed it does nothing and exits 0.
# Uses sudo only when not running as root.
#
# The packages are Debian's own Python modules: run the scripts with /usr/bin/python3,
# not another python3 that may be first on PATH (e.g. pyenv), which cannot see them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
req="${1:-${here}/requirements-debian.txt}"

mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "${req}" | grep -v '^$')
if [ "${#packages[@]}" -eq 0 ]; then
  echo "install.sh: no packages listed in ${req}" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("${p}")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install.sh: all ${#packages[@]} packages already installed."
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
else
  SUDO=(sudo)
fi

echo "install.sh: installing ${missing[*]}"
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
