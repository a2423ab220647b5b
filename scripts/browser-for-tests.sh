#!/usr/bin/env bash
# Installs what the end-to-end browser test (tests/e2e/) needs when it is missing: Debian's chromium,
# and a Chinese font so the screenshots in test-artifacts/ show text instead of empty boxes.
# We never run `playwright install`: the test drives the system browser at /usr/bin/chromium.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    missing+=(fonts-noto-cjk)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "chromium 和中文字体已安装：$(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
/usr/bin/chromium --version
