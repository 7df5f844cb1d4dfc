#!/usr/bin/env bash
# Fetch and unpack Debian's `flatbuffers` source package, without touching the system apt
# configuration (private sources.list + private list/cache dirs), for building flatc from
# source: AUTOBAHN_FLATC_SOURCE=$(cat OUTDIR/source-dir.txt) makes the build hook compile it.
#
# Usage: fetch-flatbuffers-debian-source.sh OUTDIR [SUITE]
#   OUTDIR  work directory; OUTDIR/source-dir.txt names the unpacked tree
#   SUITE   Debian suite for the deb-src line (default: bookworm)
#
# Requirements (installed via apt if missing and we are root): dpkg-dev
# (for dpkg-source), and cmake, g++, make for the build that follows.  Mirror URL is read from the system
# apt config (deb822 *.sources or one-line sources.list); override with
# DEBIAN_MIRROR=http://deb.debian.org/debian.
set -euo pipefail

OUTDIR=${1:?usage: $0 OUTDIR [SUITE]}
SUITE=${2:-bookworm}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
APTDIR="$OUTDIR/apt"
SRCDIR="$OUTDIR/src"
BUILDDIR="$OUTDIR/build"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/archives/partial" "$SRCDIR"

# --- 1. find the Debian mirror URL -----------------------------------------
if [[ -z "${DEBIAN_MIRROR:-}" ]]; then
    DEBIAN_MIRROR=$(
        { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
            awk '/^URIs:/ {print $2}' | grep -v -- '-security' | head -n1
    )
fi
if [[ -z "${DEBIAN_MIRROR:-}" ]]; then
    DEBIAN_MIRROR=$(
        { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
            awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' |
            grep -v -- '-security' | head -n1
    )
fi
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
echo ">> mirror: $DEBIAN_MIRROR (suite $SUITE)"

# --- 2. private apt config ---------------------------------------------------
SOURCES="$APTDIR/sources.list"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR $SUITE main" >"$SOURCES"
APT_OPTS=(
    -o "Dir::Etc::SourceList=$SOURCES"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$APTDIR/lists"
    -o "Dir::Cache::Archives=$APTDIR/archives"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root"  # private dirs are not readable by _apt
)

# --- 3. tools ------------------------------------------------------------------
need=()
command -v dpkg-source >/dev/null || need+=(dpkg-dev)
command -v cmake >/dev/null || need+=(cmake)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
if ((${#need[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "missing tools: ${need[*]} (install them or run as root)" >&2
        exit 1
    fi
    apt-get install -y --no-install-recommends "${need[@]}"
fi

# --- 4. fetch + unpack the source package -----------------------------------
apt-get "${APT_OPTS[@]}" update
(
    cd "$SRCDIR"
    # apt-get source verifies the .dsc against the signed Sources index and
    # unpacks with dpkg-source (orig tarball + debian patches applied).
    apt-get "${APT_OPTS[@]}" source flatbuffers
)
PKGDIR=$(find "$SRCDIR" -mindepth 1 -maxdepth 1 -type d -name 'flatbuffers-*' | head -n1)
[[ -f "$PKGDIR/CMakeLists.txt" ]] || { echo "no CMakeLists.txt in $PKGDIR" >&2; exit 1; }
echo ">> source: $PKGDIR"
sha256sum "$SRCDIR"/*.dsc "$SRCDIR"/*.tar.* | tee "$OUTDIR/source-sha256.txt"

# The unpacked tree is what AUTOBAHN_FLATC_SOURCE points the build hook at.
echo "$PKGDIR" >"$OUTDIR/source-dir.txt"
echo ">> unpacked source tree: $PKGDIR"
