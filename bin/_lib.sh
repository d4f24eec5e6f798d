# Shared by the scripts in bin/: source it, don't run it.
# Puts the shell at the project root and names the virtualenv's interpreter.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export PYTHONUNBUFFERED=1

stage() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_venv() {
    [ -x "$PY" ] || die ".venv is missing: run 'make setup' first."
}
