#!/usr/bin/env bash
# Installs what the Word-rendering test (tests/test_export_render.py) needs when it is missing: LibreOffice
# Writer (headless, to turn an exported .docx into a PDF as another office suite lays it out) and poppler's
# pdftotext (to read the laid-out lines back).
set -euo pipefail
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
    echo "LibreOffice 和 pdftotext 已安装"
    exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
