#!/usr/bin/env bash
# The platform legs that this x86-64 Debian machine cannot run natively, in Debian sid roots
# (.ci/platform-roots.sh builds and caches them; needs root):
#   pypy            build the pp311 NVX wheel with PyPy 3.11, run the whole suite with NVX
#                   required and again with AUTOBAHN_USE_NVX=0
#   py314 WHEEL     run the whole suite with the abi3 WHEEL (built on the host) on CPython 3.14
#   aarch64         cross-build the aarch64 wheel (warnings are errors), run the NEON
#                   selection of the hot-path tests under qemu in an arm64 root
#   all             pypy and aarch64 (py314 needs a wheel: .ci/test-abi3.sh passes it)
#   wheels          only build the PyPy and aarch64 wheels (for the release dry run)
#   bench-pypy      the benchmark CLI (BENCH_ARGS) and the CFFI threshold sweep under PyPy
# Wheels built here go to $AUTOBAHN_PLATFORM_WHEELS (default dist/platforms/): the release dry
# run takes the PyPy and aarch64 wheels from there.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOUT=$PWD
# shellcheck source=.ci/platform-roots.sh
source .ci/platform-roots.sh
WHEELS=$(realpath -m "${AUTOBAHN_PLATFORM_WHEELS:-dist/platforms}")
WORK=$(mktemp -d /var/tmp/autobahn-platforms.XXXXXX)
trap 'roots_cleanup; root_remove "$WORK"' EXIT  # root_remove: never while anything is mounted below
trap 'exit 130' INT
trap 'exit 143' TERM  # (the EXIT trap then unmounts)
# Wheels built with zig link against glibc 2.28, like the release's x86-64 wheel.
MANYLINUX="--zig --compatibility manylinux_2_28"

# The checkout's files (tracked and new, nothing ignored: no target/, no venvs) into ROOT/build/src.
copy_checkout() {
    mkdir -p "$1/build/src"
    git -C "$CHECKOUT" ls-files -co --exclude-standard -z | tar -C "$CHECKOUT" --null -T - -cf - | tar -C "$1/build/src" -xf -
}

# The download caches, shared by every run on this machine.
bind_caches() {
    root_bind "$AUTOBAHN_CI_CACHE/pip" "$1" /root/.cache/pip
    root_bind "$AUTOBAHN_CI_CACHE/cargo-registry" "$1" /root/.cargo/registry
    root_bind "$AUTOBAHN_CI_CACHE/zig-cache" "$1" /root/.cache/zig  # zig's libc++ for aarch64
    root_bind "$AUTOBAHN_CI_CACHE/flatc" "$1" /root/.cache/autobahn-flatc  # the aarch64 flatc
}

open_amd64() {
    [ -n "${AMD64:-}" ] && return 0
    root_open sid-amd64 "$WORK"
    AMD64=$ROOT_DIR
    root_trust_host_cas "$AMD64"
    bind_caches "$AMD64"
    copy_checkout "$AMD64"
}

leg() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
timed() {  # timed NAME COMMAND...: run, then record the wall time for the summary
    local name=$1 start=$SECONDS; shift
    "$@"
    TIMES+=("$name: $((SECONDS - start)) s")
}
TIMES=()

# The suite as the sid roots run it: the whole of tests/, from the copy of the checkout against the
# installed wheel, with the `test` extra installed beside it (.ci/test-requirements.py) less what the
# leg's interpreter cannot install (its *_WITHOUT list below): the tests that need a package left
# out are skipped, naming it and the reason (tests/conftest.py, AUTOBAHN_TESTS_WITHOUT). So are the
# tests that need what the roots do not have, each naming it: Crossbar and autobahn's examples (set
# up on the host by .ci/setup-crossbar.sh), wstest, the build and release tools (hatchling,
# maturin, twine: the build hook's tests rebuild NVX on the host), actionlint.
SUITE="python -m pytest -q -p no:cacheprovider tests"
# .ci/run's AUTOBAHN_CI=1 into the roots (whose environment starts empty): a skip there must be declared
# (AUTOBAHN_TESTS_WITHOUT) or on tests/skip_summary.py's allowlist for this kind of leg.
CI_ENV=(AUTOBAHN_CI="${AUTOBAHN_CI:-}" AUTOBAHN_CI_LEG=sid-root)

# Packages of the `test` extra that a leg's interpreter cannot install, one
# "distribution module: reason" a line; every other one must install (the leg fails otherwise).
# PyPy 3.11 (ABI pp80) gets no binary wheels from PyPI: the rest build from their sdists (pip caches
# what it builds under $AUTOBAHN_CI_CACHE/pip; cryptography's Rust build takes minutes the first time).
PYPY_WITHOUT="
uvloop uvloop: no wheel for PyPy, and its C extension does not build there (PyPy's C API has no PyContext_CopyCurrent)
picows picows: no wheel for PyPy (a Cython extension); the echo benchmark's short runs are tested on the CPython legs
aiofastnet aiofastnet: not installed on PyPy (the test extra asks for it on CPython only: no wheel for PyPy, a Cython extension); the asyncio-aiofastnet runs are tested on the CPython legs
bjdata bjdata: no wheel for PyPy, and its sdist builds against numpy 1.23.2 (oldest-supported-numpy), whose sources do not link with Debian sid's GCC 16
"
PY314_WITHOUT=""
# pip constraints of a leg, each with its reason. Without a wheel, pip takes the newest sdist, and
# cryptography 51's Rust crate needs asn1 0.25, which the crates.io index reachable here lacks (pip
# does not fall back to an older release when an sdist fails): 50.x builds.
PYPY_CONSTRAINTS="cryptography<51"

# Inside the amd64 root: a venv of INTERPRETER at /build/venv-NAME with the test extra less WITHOUT's
# distributions, within CONSTRAINTS (PyNaCl against Debian's libsodium instead of its bundled copy).
VENV_SETUP='
    "$INTERPRETER" -m venv "/build/venv-$NAME"
    . "/build/venv-$NAME/bin/activate"
    python /build/src/.ci/test-requirements.py $(echo "$WITHOUT" | cut -d" " -f1) >"/build/requirements-$NAME.txt"
    echo "$CONSTRAINTS" >"/build/constraints-$NAME.txt"
    SODIUM_INSTALL=system python -m pip install -q -r "/build/requirements-$NAME.txt" -c "/build/constraints-$NAME.txt"
'

# AUTOBAHN_TESTS_WITHOUT for tests/conftest.py: WITHOUT's "module: reason" lines.
tests_without() { sed -E '/^\s*$/d; s/^\s*\S+\s+//' <<<"$1"; }

build_pypy() {
    leg "PyPy 3.11: build the NVX wheel (.ci/build-wheel-for.sh, as the workflows do)"
    open_amd64
    root_run "$AMD64" "cd /build/src && rm -rf /build/out-pypy && bash .ci/build-wheel-for.sh pypy3 /build/out-pypy"
    mkdir -p "$WHEELS"
    cp "$AMD64"/build/out-pypy/autobahn-*-pp311-pypy311_pp*.whl "$WHEELS/"
}

install_pypy() {
    leg "PyPy 3.11: install the wheel and the test extra (less: $(tests_without "$PYPY_WITHOUT" | cut -d: -f1 | xargs))"
    root_run "$AMD64" INTERPRETER=pypy3 NAME=pypy WITHOUT="$PYPY_WITHOUT" CONSTRAINTS="$PYPY_CONSTRAINTS" "
        $VENV_SETUP
        python -m pip install -q /build/out-pypy/autobahn-*-pp311-pypy311_pp*.whl
        cd /tmp && python -m autobahn
    "
}

test_pypy() {
    install_pypy
    local without
    without=$(tests_without "$PYPY_WITHOUT")
    leg "PyPy 3.11: the whole suite, NVX required"
    root_run "$AMD64" "${CI_ENV[@]}" AUTOBAHN_TESTS_WITHOUT="$without" \
        "cd /build/src && . /build/venv-pypy/bin/activate && AUTOBAHN_USE_NVX=1 $SUITE"
    # Pure Python selected everywhere; the cases that force an NVX implementation (`impl`
    # fixture ids nvx-*) ran just above, so they are deselected here.
    leg "PyPy 3.11: the whole suite, AUTOBAHN_USE_NVX=0 (without the nvx-* cases)"
    root_run "$AMD64" "${CI_ENV[@]}" AUTOBAHN_TESTS_WITHOUT="$without" \
        "cd /build/src && . /build/venv-pypy/bin/activate && AUTOBAHN_USE_NVX=0 $SUITE -k 'not nvx'"
}

# Not a test (nothing is asserted about speed): NVX against pure Python under PyPy, the
# benchmark CLI and the threshold sweep behind autobahn.websocket._nvx_cffi.
bench_pypy() {
    install_pypy
    leg "PyPy 3.11: python -m autobahn.benchmark ${BENCH_ARGS:-}"
    root_run "$AMD64" "cd /tmp && /build/venv-pypy/bin/python -m autobahn.benchmark ${BENCH_ARGS:-}"
    leg "PyPy 3.11: benchmarks/pypy_thresholds.py"
    root_run "$AMD64" "cd /tmp && /build/venv-pypy/bin/python /build/src/benchmarks/pypy_thresholds.py"
}

leg_py314() {
    local wheel=${1:?py314 needs the abi3 wheel}
    leg "CPython 3.14: the whole suite with $(basename "$wheel")"
    open_amd64
    mkdir -p "$AMD64/build/wheel" && cp "$wheel" "$AMD64/build/wheel/"
    root_run "$AMD64" "${CI_ENV[@]}" INTERPRETER=python3.14 NAME=py314 WITHOUT="$PY314_WITHOUT" CONSTRAINTS= \
        AUTOBAHN_TESTS_WITHOUT="$(tests_without "$PY314_WITHOUT")" "
        $VENV_SETUP
        python -m pip install -q /build/wheel/$(basename "$wheel")
        cd /build/src && AUTOBAHN_USE_NVX=1 $SUITE
    "
}

build_aarch64() {
    leg "aarch64: cross-build the wheel (Debian's rustc and aarch64 std, zig for glibc 2.28)"
    open_amd64
    binfmt_enable  # the cross-built flatc runs once, under qemu
    root_run "$AMD64" "cd /build/src && bash .ci/cross-build-aarch64.sh /build/out-aarch64"
    mkdir -p "$WHEELS" && cp "$AMD64"/build/out-aarch64/autobahn-*-cp311-abi3-*_aarch64.whl "$WHEELS/"
}

test_aarch64() {
    local wheel
    wheel=$(ls "$AMD64"/build/out-aarch64/autobahn-*-cp311-abi3-*_aarch64.whl)
    leg "aarch64: the NEON selection under qemu ($(basename "$wheel"))"
    root_open sid-arm64 "$WORK"
    local arm64=$ROOT_DIR pyver
    pyver=$(basename "$(ls -d "$arm64"/usr/lib/python3.[0-9]* | sort -V | tail -1)" | sed 's/^python//')
    # Installed from the host for the arm64 root's Python: pip under emulation takes minutes.
    # The wheel without its dependencies (the WAMP serializers and cryptography it now brings do not
    # resolve for this root's Python from binaries alone), then what the NEON tests import.
    local for_arm64=(--no-warn-conflicts --target "$arm64/build/site" --platform manylinux_2_28_aarch64
        --python-version "$pyver" --implementation cp --only-binary=:all:)
    python3 -m pip install -q "${for_arm64[@]}" --no-deps "$wheel"
    python3 -m pip install -q "${for_arm64[@]}" --upgrade pytest hypothesis cffi txaio "flatbuffers==25.12.19"
    copy_checkout "$arm64"
    # AUTOBAHN_EMULATED: tests/conftest.py's examples() (qemu costs ~100x per hypothesis example).
    root_run "$arm64" PYTHONPATH=/build/site AUTOBAHN_USE_NVX=1 AUTOBAHN_EMULATED=1 "cd /build/src
        python3 -c '
from autobahn import nvx
info = nvx.build_info()
print(info)
assert info[\"target_arch\"] == \"aarch64\" and info[\"simd\"] == \"neon\", info
assert nvx.supported_kernels() == [\"scalar\", \"neon\"], nvx.supported_kernels()
'
        python3 -m pytest -q -p no:cacheprovider -k neon tests/test_utf8validator.py tests/test_xormasker.py"
}

case ${1:-} in
    pypy) timed pypy-build build_pypy; timed pypy-tests test_pypy ;;
    py314) timed py314 leg_py314 "$(realpath "${2:?usage: $0 py314 WHEEL}")" ;;
    aarch64) timed aarch64-build build_aarch64; timed aarch64-tests test_aarch64 ;;
    all)
        timed pypy-build build_pypy; timed pypy-tests test_pypy
        timed aarch64-build build_aarch64; timed aarch64-tests test_aarch64 ;;
    wheels) timed pypy-build build_pypy; timed aarch64-build build_aarch64 ;;
    bench-pypy) timed pypy-build build_pypy; timed pypy-bench bench_pypy ;;
    *) echo "usage: $0 pypy | py314 WHEEL | aarch64 | all | wheels | bench-pypy" >&2; exit 2 ;;
esac
echo
echo "platform legs: ${TIMES[*]}"
