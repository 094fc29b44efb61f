#!/bin/sh
# Start the API: migrate (an explicit step), load data/, then serve.
# The Dockerfile's CMD and tests/test_docker.py both run this script.
set -eu
python -m app migrate
python -m app load
exec python -m app serve --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" --workers "${WORKERS:-1}"
