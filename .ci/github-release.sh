#!/usr/bin/env bash
# Create the GitHub release for verified artifacts: stable for a v<version> tag, otherwise a
# development pre-release named after the commit. Assets: every artifact, with the checksums,
# validation results and build information of each build job.
#   github-release.sh DOWNLOADED TAG SHA
set -euo pipefail
root=$1 tag=$2 sha=$3
kind=$(python .ci/artifacts.py release-kind --tag "$tag")
version=$(python .ci/artifacts.py version)
notes=$(mktemp)
{
    echo "autobahn $version ($kind release, commit $sha)"
    echo
    for dir in "$root"/*/; do
        echo "## $(basename "$dir")"
        echo '```'
        cat "$dir/CHECKSUMS.sha256"
        echo '```'
    done
} >"$notes"
assets=()
for dir in "$root"/*/; do
    name=$(basename "$dir")
    for file in "$dir"*.whl "$dir"*.tar.gz; do [ -e "$file" ] && assets+=("$file"); done
    for meta in CHECKSUMS.sha256 VALIDATION.txt build-info.txt; do
        cp "$dir/$meta" "$root/$name-$meta" && assets+=("$root/$name-$meta")
    done
done
if [ "$kind" = stable ]; then
    gh release create "$tag" --title "autobahn $version" --notes-file "$notes" --verify-tag "${assets[@]}"
else
    gh release create "dev-${sha:0:12}" --target "$sha" --prerelease --title "autobahn $version (development, ${sha:0:12})" \
        --notes-file "$notes" "${assets[@]}"
fi
