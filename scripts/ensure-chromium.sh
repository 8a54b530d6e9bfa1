#!/usr/bin/env bash
# Makes sure headless Chromium and its WebDriver are installed, from Debian's packages chromium and
# chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver), for the support page's browser test. The
# local-run build runs it before its tests, since CI machines start clean. Installing needs root or
# password-less sudo; without either, it stops and says what to install.
set -euo pipefail
browser=/usr/bin/chromium
driver=/usr/bin/chromedriver
packages=(chromium chromium-driver)

installed() { [[ -x "$browser" && -x "$driver" ]]; }
fail() {
  echo "ensure-chromium: $1" >&2
  echo "ensure-chromium: the browser test needs $browser and $driver: apt-get install -y ${packages[*]}" >&2
  exit 1
}

installed && exit 0
command -v apt-get >/dev/null || fail "they are missing and there is no apt-get to install them with"
if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "they are missing, and installing them needs root (or sudo without a password)"
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing ${packages[*]}" >&2
# The package lists of a fresh machine may be missing or stale: update them only when the install fails.
if ! "${as_root[@]}" apt-get install -y "${packages[@]}" >&2; then
  "${as_root[@]}" apt-get update >&2 || fail "apt-get update failed"
  "${as_root[@]}" apt-get install -y "${packages[@]}" >&2 || fail "apt-get install failed"
fi
installed || fail "apt-get installed ${packages[*]}, but $browser or $driver is still missing"
