#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is installed, for the browser test of
# the HTML report (tests/sinks/browser.rs). Installs Debian's `chromium` with
# apt-get when it is missing (root, or passwordless sudo).
#
# Usage: bash .ci/chromium.sh
#   stdout: the browser's path; exit 0 when a browser is available,
#   exit 1 (with the reason on stderr) when none is and it cannot be installed.
# $CHROMIUM, if set, names the browser to use instead of searching PATH.
set -u

find_browser() {
    local candidate
    for candidate in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if find_browser; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: chromium is missing and apt-get is not available to install it" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "chromium.sh: chromium is missing and installing it needs root" >&2
    exit 1
fi

echo "chromium.sh: installing Debian's chromium (once per machine)..." >&2
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt-get (a parallel job) rather than fail on its lock.
apt=("${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 -qq)
if ! "${apt[@]}" update >&2; then
    echo "chromium.sh: apt-get update failed" >&2
    exit 1
fi
# Fonts only make the screenshot legible; the DOM checks do not need them.
if ! "${apt[@]}" install -y --no-install-recommends chromium fonts-liberation >&2; then
    echo "chromium.sh: apt-get install chromium failed" >&2
    exit 1
fi
if ! find_browser; then
    echo "chromium.sh: chromium is still not on PATH after installing it" >&2
    exit 1
fi
