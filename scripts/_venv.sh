# Shared by scripts/demo and scripts/test: make .venv with Python 3.11+ and install the project into it.
# The install is skipped when .venv already holds it for this pyproject.toml and extra (a stamp in
# .venv/): the editable install follows the code by itself, only the dependencies need pip.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.icv-installed
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) .$1"
# "[test]" installs everything "" does, so an install for the tests serves the demo too.
if ! grep -qxF "$wanted" "$stamp" 2>/dev/null \
   && ! { [ -z "$1" ] && grep -q "^${wanted% *} " "$stamp" 2>/dev/null; }; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$1"
  # Written only after both succeeded; a new pyproject.toml makes every earlier line stale.
  { grep "^${wanted% *} " "$stamp" 2>/dev/null || true; echo "$wanted"; } > "$stamp.new"
  mv "$stamp.new" "$stamp"
fi
