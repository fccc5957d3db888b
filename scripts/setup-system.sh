#!/usr/bin/env bash
# Installs the system packages the test suite and the demo need (Debian/Ubuntu).
# Used by `npm test` (through scripts/ensure-system.mjs) and runnable by hand.
# Idempotent: installs only what is missing.
set -euo pipefail

# package -> a file whose presence proves it is installed
declare -A probe=(
  [chromium]=/usr/bin/chromium
  [socat]=/usr/bin/socat
  [libusb-1.0-0]=/usr/lib/x86_64-linux-gnu/libusb-1.0.so.0
  [postgresql-15]=/usr/lib/postgresql/15/bin/postgres
  [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
)

missing=()
for pkg in "${!probe[@]}"; do
  f=${probe[$pkg]}
  if [ "$pkg" = "libusb-1.0-0" ]; then
    ldconfig -p 2>/dev/null | grep -q 'libusb-1.0.so.0' && continue
  fi
  [ -e "$f" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo_cmd="sudo"
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo sh -c '$cmd'" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]} (no apt-get here: install them with your package manager)" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}" >&2
$sudo_cmd sh -c "$cmd" >&2
