#!/usr/bin/env bash
# One idempotent set-up for a fresh Linux machine: system packages, a virtualenv in .venv, the project and its
# dev tools. Both README commands call it first; when nothing changed since the last run it returns in well under
# a second, because it compares a hash of pyproject.toml with the stamp it left last time.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${STUDIO_VENV:-.venv}"
PY="${PYTHON:-python3}"

need_apt=()
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
ldconfig -p 2>/dev/null | grep -q 'libespeak-ng.so.1' || need_apt+=(libespeak-ng1)
# Qt's offscreen and xcb platforms need these at run time.
ldconfig -p 2>/dev/null | grep -q 'libxkbcommon.so.0' || need_apt+=(libxkbcommon0)
ldconfig -p 2>/dev/null | grep -q 'libEGL.so.1' || need_apt+=(libegl1)
ldconfig -p 2>/dev/null | grep -q 'libGL.so.1' || need_apt+=(libgl1)
ldconfig -p 2>/dev/null | grep -q 'libfontconfig.so.1' || need_apt+=(libfontconfig1)
ldconfig -p 2>/dev/null | grep -q 'libdbus-1.so.3' || need_apt+=(libdbus-1-3)
ldconfig -p 2>/dev/null | grep -q 'libsndfile.so.1' || need_apt+=(libsndfile1)
# Qt's xcb platform (a real window on an X or XWayland desktop) needs these since Qt 6.5.
for lib in libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1 \
           libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0 \
           libxcb-xinerama.so.0:libxcb-xinerama0 libxcb-xkb.so.1:libxcb-xkb1 libxkbcommon-x11.so.0:libxkbcommon-x11-0 \
           libxcb-shape.so.0:libxcb-shape0 libxcb-randr.so.0:libxcb-randr0; do
  ldconfig -p 2>/dev/null | grep -q "${lib%%:*}" || need_apt+=("${lib##*:}")
done
# Xvfb, a virtual X display: the tests drive the editor on X11 itself (tests/ui/test_real_display.py), where
# standard key bindings and window sizes differ from Qt's offscreen platform.
command -v xvfb-run >/dev/null 2>&1 || need_apt+=(xvfb)
command -v xauth >/dev/null 2>&1 || need_apt+=(xauth)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: cannot install system packages here; please run: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
fi

stamp="$VENV/.studio-setup-stamp"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/studio" ]; then
  exit 0
fi

echo "setup: creating the virtualenv in $VENV (first run downloads torch, a few minutes)"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[dev]"
echo "$want" > "$stamp"
echo "setup: done"
