#!/usr/bin/env bash
# Install what storyexport needs on a Debian/Ubuntu machine, then the project into .venv.
#   scripts/setup.sh          what `storyexport all` needs
#   scripts/setup.sh --test   that, plus what the test suite needs (Chromium, Java, poppler)
# Idempotent: installs only what is missing; a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: WeasyPrint's Pango, Java for EPUBCheck (the report validates each EPUB), and the
# Noto fonts the PDFs fall back to for what the bundled Noto Serif/Sans lack: Chinese, Japanese and
# Korean, emoji, and the other scripts (Arabic, Ethiopic, Devanagari...). A character no installed
# font has fails its PDF rather than print as an empty box.
# Everything else (eSpeak NG, the voices, the body fonts, the CMYK profile) comes with the Python packages.
RUNTIME_DEBS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 openjdk-17-jre-headless
  fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji"
# The test suite: axe-core runs in Debian's Chromium; poppler (pdffonts, pdfimages) and ffmpeg
# are independent readers of our PDFs and audio; pandoc renders the Markdown fixtures for comparison;
# strace proves an offline build opens no socket.
TEST_DEBS="chromium poppler-utils ffmpeg pandoc strace"

debs="$RUNTIME_DEBS"
extra=""
if [ "${1:-}" = "--test" ]; then debs="$debs $TEST_DEBS"; extra="[test]"; fi

missing=""
for deb in $debs; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing="$missing $deb"
done
if [ -n "$missing" ]; then
  echo "[setup] apt-get install$missing"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "[setup] python3 -m venv .venv"
  python3 -m venv .venv
fi
stamp=".venv/.storyexport-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)$extra"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] pip install -e .$extra"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra" 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -c "import storyexport" 
  echo "$want" > "$stamp"
fi
