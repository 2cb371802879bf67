#!/usr/bin/env bash
# Print the path of a working Python 3.10 (Rasa 3.6 refuses 3.11+), or fail
# with advice. Order: $PYTHON310, python3.10 on PATH, pyenv's 3.10.x, common paths.
set -u
works() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root="$(pyenv root)"
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
    candidates+=("$root/versions/$v/bin/python")
  done
fi
candidates+=(/usr/local/bin/python3.10 /usr/bin/python3.10)
for c in "${candidates[@]}"; do
  if works "$c"; then
    echo "$c"
    exit 0
  fi
done
echo "error: no working Python 3.10 found (Rasa 3.6 needs 3.8-3.10)." >&2
echo "       Install one (e.g. 'pyenv install 3.10.13') or set PYTHON310=/path/to/python3.10." >&2
exit 1
