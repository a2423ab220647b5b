#!/usr/bin/env bash
# Second README command: install the test extras, the browser and PostgreSQL the tests drive
# (Debian packages, when this machine can install them), and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
bash scripts/install.sh --test
if [ -f scripts/browser-for-tests.sh ]; then bash scripts/browser-for-tests.sh; fi
if [ -z "${COACH_TEST_POSTGRES_URL:-}" ] && [ -f scripts/postgres-for-tests.sh ]; then
  COACH_TEST_POSTGRES_URL="$(bash scripts/postgres-for-tests.sh)"
  export COACH_TEST_POSTGRES_URL
fi
exec .venv/bin/python -m pytest "$@"
