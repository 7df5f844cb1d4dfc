#!/usr/bin/env bash
# Debian sid roots for the platform legs, built once from Debian's packages and cached as
# tarballs outside the checkout, so later runs on the same machine only unpack them:
#   sid-amd64  PyPy 3.11, CPython 3.14, Debian's rustc and the aarch64 cross toolchain
#   sid-arm64  python3 only, run under qemu-user through binfmt_misc (tests, no builds)
# Sourced by .ci/test-platforms.sh. Run directly to build the caches: platform-roots.sh build [NAME...]
# AUTOBAHN_CI_CACHE (default /var/cache/autobahn-ci) is the cache directory; it also holds
# pip's and cargo's download caches, which the roots mount. Needs root (debootstrap, mount, chroot).
set -euo pipefail

AUTOBAHN_CI_CACHE=${AUTOBAHN_CI_CACHE:-/var/cache/autobahn-ci}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOT_NAMES=(sid-amd64 sid-arm64)

root_packages() {
    case $1 in
        sid-amd64)
            # libssl-dev, pkg-config, libsodium-dev: PyPy 3.11 (ABI pp80) has no binary wheels on
            # PyPI, so cryptography and PyNaCl build from their sdists against Debian's libraries.
            echo "pypy3 pypy3-dev pypy3-venv python3.14 python3.14-dev python3.14-venv build-essential" \
                "cargo rustc git cmake libstd-rust-dev:arm64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross" \
                "libssl-dev pkg-config libsodium-dev" ;;
        sid-arm64) echo "python3" ;;
        *) echo "unknown root $1" >&2; return 1 ;;
    esac
}

root_arch() { echo "${1#sid-}"; }

# The tarball's name carries a hash of what went into it: changing the package list (or this
# recipe's version) builds a new root instead of reusing a stale one.
root_tarball() {
    local key
    key=$( (echo "recipe 1"; root_packages "$1") | sha256sum | cut -c1-12)
    echo "$AUTOBAHN_CI_CACHE/$1-$key.tar.zst"
}

# -- mounts, unwound in reverse by roots_cleanup (installed as an EXIT trap) ----------------
_root_mounts=()
_root_dirs=()
_binfmt_mounted=0
_binfmt_enabled=0

roots_cleanup() {
    local i
    for ((i = ${#_root_mounts[@]} - 1; i >= 0; i--)); do
        umount "${_root_mounts[i]}" 2>/dev/null || umount -l "${_root_mounts[i]}" || true
    done
    _root_mounts=()
    if [ "$_binfmt_enabled" = 1 ]; then update-binfmts --disable qemu-aarch64 || true; _binfmt_enabled=0; fi
    if [ "$_binfmt_mounted" = 1 ]; then umount /proc/sys/fs/binfmt_misc || true; _binfmt_mounted=0; fi
    for i in "${_root_dirs[@]}"; do root_remove "$i"; done
    _root_dirs=()
}

# rm -rf of a root is only safe once nothing is mounted below it.
root_remove() {
    [ -e "$1" ] || return 0
    if findmnt -rn -o TARGET | grep -q "^$1/"; then
        echo "refusing to remove $1: still mounted below it" >&2
        return 1
    fi
    rm -rf --one-file-system "$1"
}

_mount() {  # _mount ARGS... TARGET
    mount "$@"
    _root_mounts+=("${!#}")
}

root_mount() {  # root_mount ROOT: the kernel file systems and the host's name resolution
    local root=$1
    _mount -t proc proc "$root/proc"
    _mount --bind /sys "$root/sys"
    _mount --bind /dev "$root/dev"
    _mount --bind /dev/pts "$root/dev/pts"
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
}

root_bind() {  # root_bind HOST_DIR ROOT PATH_INSIDE
    mkdir -p "$1" "$2$3"
    _mount --bind "$1" "$2$3"
}

root_unmount_all() {  # unmount now (before tar), keeping the binfmt registration
    local i
    for ((i = ${#_root_mounts[@]} - 1; i >= 0; i--)); do umount "${_root_mounts[i]}"; done
    _root_mounts=()
}

# Run a shell script inside ROOT with a clean environment (the host's PIP_* settings name
# paths that do not exist there). Extra VAR=value words before the script are passed on.
root_run() {
    local root=$1; shift
    local envs=()
    while [ $# -gt 1 ]; do envs+=("$1"); shift; done
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "${envs[@]}" /bin/sh -euc "$1"
}

# HTTPS to the registries may go through a CA only the host trusts: hand its extra CAs on.
root_trust_host_cas() {
    local root=$1
    mkdir -p "$root/usr/local/share/ca-certificates"
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    fi
    root_run "$root" "update-ca-certificates >/dev/null"
}

binfmt_enable() {  # qemu-user for arm64 binaries (the F flag: no qemu binary needed in the root)
    if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
        _binfmt_mounted=1
    fi
    if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
        update-binfmts --enable qemu-aarch64
        _binfmt_enabled=1
    fi
}

host_tools() {  # what the host needs; a fresh CI machine has none of it
    local missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v zstd >/dev/null || missing+=(zstd)
    [ -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] || missing+=(qemu-user-static)
    command -v update-binfmts >/dev/null || missing+=(binfmt-support)
    if [ ${#missing[@]} -gt 0 ]; then
        mkdir -p "$AUTOBAHN_CI_CACHE"
        # One apt-get at a time: .ci/run builds both roots at once.
        (
            flock 9
            apt-get update -q >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
        ) 9>"$AUTOBAHN_CI_CACHE/.lock-host-tools"
    fi
}

# Build NAME's tarball from Debian's packages (debootstrap, then apt-get inside).
root_build() {
    local name=$1 arch tarball tmp
    arch=$(root_arch "$name")
    tarball=$(root_tarball "$name")
    tmp="$AUTOBAHN_CI_CACHE/$name.build"
    root_remove "$tmp"
    _root_dirs+=("$tmp")
    [ "$arch" = amd64 ] || binfmt_enable
    echo "[$name] debootstrap sid ($arch) ..."
    debootstrap --variant=minbase --arch="$arch" --include=ca-certificates sid "$tmp" "$DEBIAN_MIRROR" \
        >"$tmp.log" 2>&1 || { tail -20 "$tmp.log" >&2; return 1; }
    # sid's Release files look expired under this machine's clock.
    echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99no-valid-until"
    root_mount "$tmp"
    root_trust_host_cas "$tmp"
    echo "[$name] apt-get install $(root_packages "$name") ..."
    root_run "$tmp" "
        $([ "$arch" = amd64 ] && echo 'dpkg --add-architecture arm64')
        apt-get update -q
        apt-get install -y -q --no-install-recommends $(root_packages "$name")
        apt-get clean
        rm -rf /var/lib/apt/lists/*
    " >>"$tmp.log" 2>&1 || { tail -20 "$tmp.log" >&2; return 1; }
    root_unmount_all
    echo "[$name] packing $(basename "$tarball") ..."
    rm -f "$AUTOBAHN_CI_CACHE/$name"-*.tar.zst  # older recipes' tarballs
    tar -C "$tmp" -I 'zstd -T0 -3' -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    root_remove "$tmp"
    rm -f "$tmp.log"
}

# Make sure NAME's tarball exists (building it when missing; one builder at a time).
root_ensure() {
    local name=$1 tarball
    tarball=$(root_tarball "$name")
    mkdir -p "$AUTOBAHN_CI_CACHE"
    exec {lock}>"$AUTOBAHN_CI_CACHE/.lock-$name"
    flock "$lock"
    host_tools  # also with a cached tarball: zstd unpacks it, qemu and binfmt-support run arm64
    if [ -f "$tarball" ]; then
        echo "[$name] cached: $tarball"
    else
        root_build "$name"
    fi
    flock -u "$lock"
    exec {lock}>&-
}

# Unpack NAME into a fresh directory under WORK and mount what it needs; prints nothing,
# sets ROOT_DIR. Everything is undone by roots_cleanup.
root_open() {
    local name=$1 work=$2
    root_ensure "$name"
    ROOT_DIR="$work/$name"
    root_remove "$ROOT_DIR"
    mkdir -p "$ROOT_DIR"
    _root_dirs+=("$ROOT_DIR")
    [ "$(root_arch "$name")" = amd64 ] || binfmt_enable
    tar -C "$ROOT_DIR" -I zstd -xf "$(root_tarball "$name")"
    root_mount "$ROOT_DIR"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    trap roots_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    case ${1:-} in
        build)
            shift
            [ $# -gt 0 ] || set -- "${ROOT_NAMES[@]}"
            for name in "$@"; do root_ensure "$name"; done ;;
        *) echo "usage: $0 build [${ROOT_NAMES[*]}]" >&2; exit 2 ;;
    esac
fi
