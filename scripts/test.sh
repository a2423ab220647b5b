#!/usr/bin/env bash
# Second README command: install the test extras, the browser the end-to-end test drives (Debian's
# chromium) and LibreOffice for the Word-rendering test, then run the whole suite. The PostgreSQL tests
# start their own server with scripts/postgres-for-tests.sh (installing Debian's postgresql when it is
# missing) and stop it after.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
bash scripts/install.sh --test
bash scripts/browser-for-tests.sh
bash scripts/office-for-tests.sh
exec .venv/bin/python -m pytest "$@"
