#!/bin/sh
# Install the project from SOURCE into a new virtual environment VENV.
# Used by the Dockerfile's build stage and by tests/test_docker.py.
set -eu
VENV="$1"
SOURCE="$2"
python -m venv "$VENV"
"$VENV/bin/pip" install --no-compile --disable-pip-version-check "$SOURCE"
