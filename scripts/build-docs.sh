#!/usr/bin/env bash
# Builds the DocC archive of the whole library: the catalog in Sources/GilBench/Documentation.docc with
# the public symbols of GilBench and of the three modules it re-exports (GilBenchSimulator,
# GilBenchSystem, GilBenchResults), so that the articles' symbol links (``TickGIL``, ``Comparison``)
# resolve whichever module a type lives in, and a renamed type breaks this build.
#
# The docc plugin documents one module at a time and cannot resolve links into another (its
# experimental combined mode answers "No external resolver registered"), so this script extracts
# GilBench's symbol graph itself, with -experimental-allowed-reexported-modules, and runs docc convert.
#
# Usage: scripts/build-docs.sh [OUTPUT.doccarchive]   (default: .build/GilBench.doccarchive)
# Any warning (a broken link, an undocumented parameter) fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
output="${1:-.build/GilBench.doccarchive}"

swift build --target GilBench
bin="$(swift build --show-bin-path)"
graphs="$(mktemp -d)"
trap 'rm -rf "$graphs"' EXIT

# The C modules GilBench's imports reach: the shim's (written by SwiftPM) and the packages' shims.
includes=(-I "$bin/Modules" -Xcc "-fmodule-map-file=$bin/CGilBench.build/module.modulemap" -I Sources/CGilBench/include)
while IFS= read -r map; do includes+=(-I "$(dirname "$map")"); done \
    < <(find .build/checkouts -path '*/include/module.modulemap')

swift-symbolgraph-extract -module-name GilBench -target "$(uname -m)-unknown-linux-gnu" "${includes[@]}" \
    -minimum-access-level public -output-dir "$graphs" \
    -experimental-allowed-reexported-modules=GilBenchSimulator,GilBenchSystem,GilBenchResults

docc convert Sources/GilBench/Documentation.docc --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name GilBench --fallback-bundle-identifier gilbench.GilBench \
    --output-path "$output" --warnings-as-errors
echo "documentation: $output"
