#!/usr/bin/env bash
# Inside the amd64 sid root (.ci/test-platforms.sh): cross-build the aarch64 abi3 wheel into OUT
# with Debian's rustc and aarch64 std, maturin linking through zig for glibc 2.28 (warnings are
# errors). No prebuilt flatc exists for aarch64: the pinned FlatBuffers sources are compiled with
# CMake and zig as the aarch64 C++ compiler, once per pinned source and zig version, cached in
# /root/.cache/autobahn-flatc (a folder of $AUTOBAHN_CI_CACHE); the build hook bundles it through
# AUTOBAHN_FLATC_BINARY and runs it for its version (qemu, through the host's binfmt_misc).
#   cross-build-aarch64.sh OUT
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1")
zig=/build/zig
ziglang=$(grep -oE '^ziglang==[^ ]+' .ci/release-tools.txt)
python3.14 -m venv "$zig/venv"
"$zig/venv/bin/python" -m pip install -q "$ziglang"

key=$( (echo "$ziglang"; grep -A4 '^SOURCE_CRATE = ' flatbuffers/flatc_tools.py; sed -n '/^# -- flatc/,/^fi$/p' "$0") | sha256sum | cut -c1-16)
flatc=/root/.cache/autobahn-flatc/aarch64-$key/flatc
# -- flatc: the recipe below is part of the cache key
if [ ! -x "$flatc" ]; then
    for tool in cc c++; do
        printf '#!/bin/sh\nexec %s -m ziglang %s -target aarch64-linux-gnu.2.28 "$@"\n' "$zig/venv/bin/python" "$tool" >"$zig/$tool"
        chmod +x "$zig/$tool"
    done
    printf 'set(CMAKE_SYSTEM_NAME Linux)\nset(CMAKE_SYSTEM_PROCESSOR aarch64)\nset(CMAKE_C_COMPILER %s)\nset(CMAKE_CXX_COMPILER %s)\n' \
        "$zig/cc" "$zig/c++" >"$zig/aarch64.cmake"
    source_tree=$(python3.14 flatbuffers/flatc_tools.py source "$zig/flatc-src")
    rm -rf "$zig/flatc-build"
    CMAKE_TOOLCHAIN_FILE="$zig/aarch64.cmake" python3.14 flatbuffers/flatc_tools.py build --no-strip "$source_tree" "$zig/flatc-build"
    mkdir -p "$(dirname "$flatc")"
    aarch64-linux-gnu-strip -o "$flatc.tmp" "$zig/flatc-build/flatc" && mv "$flatc.tmp" "$flatc"
fi
rm -rf "$out"
AUTOBAHN_FLATC_BINARY="$flatc" RUSTFLAGS="-D warnings" \
    AUTOBAHN_MATURIN_ARGS="--target aarch64-unknown-linux-gnu --zig --compatibility manylinux_2_28" \
    bash .ci/build-wheel-for.sh python3.14 "$out"
