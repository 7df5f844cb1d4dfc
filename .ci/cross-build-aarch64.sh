#!/usr/bin/env bash
# Inside the amd64 sid root (.ci/test-platforms.sh): cross-build the aarch64 abi3 wheel into OUT
# with Debian's rustc and aarch64 std, maturin linking through zig for glibc 2.28 (warnings are
# errors). No prebuilt flatc exists for aarch64: the build hook compiles the pinned FlatBuffers
# sources with CMake, here with zig as the aarch64 C++ compiler (the hook then runs the result
# to read its version: qemu, through the host's binfmt_misc).
#   cross-build-aarch64.sh OUT
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1")
zig=/build/zig
python3.14 -m venv "$zig/venv"
"$zig/venv/bin/python" -m pip install -q "$(grep -oE '^ziglang==[^ ]+' .ci/release-tools.txt)"
for tool in cc c++; do
    printf '#!/bin/sh\nexec %s -m ziglang %s -target aarch64-linux-gnu.2.28 "$@"\n' "$zig/venv/bin/python" "$tool" >"$zig/$tool"
    chmod +x "$zig/$tool"
done
cat >"$zig/aarch64.cmake" <<CMAKE
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER $zig/cc)
set(CMAKE_CXX_COMPILER $zig/c++)
CMAKE
flatc_source=$(python3.14 flatbuffers/flatc_tools.py source "$zig/flatc-src")
rm -rf "$out"
CMAKE_TOOLCHAIN_FILE="$zig/aarch64.cmake" AUTOBAHN_FLATC_SOURCE="$flatc_source" RUSTFLAGS="-D warnings" \
    AUTOBAHN_MATURIN_ARGS="--target aarch64-unknown-linux-gnu --zig --compatibility manylinux_2_28" \
    bash .ci/build-wheel-for.sh python3.14 "$out"
