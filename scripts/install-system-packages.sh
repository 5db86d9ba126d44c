#!/usr/bin/env bash
# System packages hyoka needs that PyPI cannot provide:
# - postgresql: the production database; the tests start a throwaway cluster of it;
# - chromium: the browser tests drive Debian's build (never `playwright install`, which
#   downloads from the internet);
# - poppler-utils: pdftoppm/pdffonts, used by the tests to look at rendered PDFs;
# - uv (pip).
# Idempotent: installs only what is missing. Needs root (or sudo) for apt.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt)…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "installing uv (pip)…"
  python3 -m pip install -q uv
fi
