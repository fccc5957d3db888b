#!/usr/bin/env bash
# Installs the system packages the test suite and the demo need (Debian/Ubuntu).
# Used by `npm test` (through scripts/ensure-system.mjs) and runnable by hand.
# Idempotent: installs only what is missing, and is silent when nothing is.
#   chromium        browser mode and the end-to-end tests (Playwright drives Debian's Chromium)
#   socat           pseudo-terminal pairs for the serial device simulators
#   libusb-1.0-0    node-hid's USB access
#   postgresql-15   the gateway's PostgreSQL storage tests
#   fonts-noto-cjk  the Chinese UI (without it Chromium draws boxes)
set -euo pipefail

packages=(chromium socat libusb-1.0-0 postgresql-15 fonts-noto-cjk)

# Without dpkg (not Debian-like), a file each package is known to install stands in.
declare -A probe=(
  [chromium]=/usr/bin/chromium
  [socat]=/usr/bin/socat
  [libusb-1.0-0]=libusb-1.0.so.0
  [postgresql-15]=/usr/lib/postgresql/15/bin/postgres
  [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
)

installed() {
  local pkg=$1
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'
  elif [ "$pkg" = "libusb-1.0-0" ]; then
    ldconfig -p 2>/dev/null | grep -q "${probe[$pkg]}"
  else
    [ -e "${probe[$pkg]}" ]
  fi
}

missing=()
for pkg in "${packages[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "There is no apt-get here: install the equivalents with your package manager, then run npm test again." >&2
  exit 1
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  run=(sh -c "$cmd")
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo sh -c "$cmd")
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Installing them needs root. Run this once, then npm test again:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}" >&2
if ! "${run[@]}" >&2; then
  echo "Installing ${missing[*]} failed (see apt's output above). To retry by hand:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi
