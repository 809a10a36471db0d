#!/usr/bin/env bash
# Installs recloop with its test dependencies (the test extra pulls in every optional extra) into a
# fresh virtual environment, installs Debian's chromium for the browser tests when it is missing,
# checks the code (ruff, mypy), builds the docs site with warnings as errors, and runs the whole
# test suite (the example notebooks included).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${RECLOOP_TEST_VENV:-.ci-venv}
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e '.[test]'
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing and cannot be installed here (not root / no apt-get): browser tests will fail" >&2
  fi
fi
echo "ruff: $("$VENV/bin/ruff" --version)"
"$VENV/bin/ruff" check .
"$VENV/bin/mypy"
echo "docs: mkdocs build --strict"
NO_MKDOCS_2_WARNING=1 "$VENV/bin/mkdocs" build --strict --site-dir "$(mktemp -d)"
export RECLOOP_HOME="$(mktemp -d)"
exec "$VENV/bin/python" -m pytest -n 2 -m "not slow" "$@"
