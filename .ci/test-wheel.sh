#!/usr/bin/env bash
# Install WHEEL into a fresh virtual environment of PYTHON and run the installed package's tests
# (every NVX kernel set the CPU supports, pure Python) from a copy of tests/, so that nothing
# imports the checkout. Used for the abi3 wheel on other CPythons and in the wheel workflows.
#   test-wheel.sh WHEEL|DIR [PYTHON]     (DIR: the wheel in it that PYTHON's pip chooses)
set -euo pipefail
cd "$(dirname "$0")/.."
wheel=$(realpath "$1") python=${2:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
venv_python="$work/venv/bin/python"
[ -x "$venv_python" ] || venv_python="$work/venv/Scripts/python.exe"  # Windows runners
if [ -d "$wheel" ]; then
    # abi3, PyPy and free-threaded wheels side by side: pip picks the one this interpreter loads.
    "$venv_python" -m pip install -q --no-index --find-links "$wheel" --no-deps autobahn
    wheel=autobahn
fi
"$venv_python" -m pip install -q "$wheel" pytest hypothesis "cffi; platform_python_implementation == 'CPython'"
"$venv_python" -m pip list 2>/dev/null | grep -i '^autobahn '
cp -r tests "$work/tests"
cd "$work"
AUTOBAHN_USE_NVX=1 "$venv_python" -m pytest -q -p no:cacheprovider tests/test_utf8validator.py \
    tests/test_xormasker.py tests/test_guard.py tests/test_switch.py tests/test_threads.py
