#!/usr/bin/env bash
# System packages hyoka's tests need that PyPI cannot provide: a PostgreSQL server (the
# store's production database; the tests start a throwaway cluster of it) and uv.
# Idempotent: installs only what is missing. Needs root (or sudo) for apt.
set -euo pipefail

have_postgres() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

if ! have_postgres; then
  echo "installing PostgreSQL server (apt)…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "installing uv (pip)…"
  python3 -m pip install -q uv
fi
