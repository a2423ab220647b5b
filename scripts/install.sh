#!/usr/bin/env bash
# Install the coach into ./.venv. Usage: scripts/install.sh [--test]
# torch comes first as the local CPU wheel (pip install torch==2.13.0); every later requirement on torch
# is then already satisfied, so nothing pulls the multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet -e ".${extra}"
