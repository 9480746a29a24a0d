#!/usr/bin/env bash
# Runs every micro benchmark suite in Benchmarks/ and checks it against the committed p90 thresholds
# in Benchmarks/Thresholds/. Exit status: 0 within the thresholds, 2 a regression, 4 improvements
# only (ordo-one/benchmark's own codes; `swift package` itself exits 1 for both, so they are read
# back from its message), anything else: the check could not run. Extra arguments go to
# `swift package`, e.g. --filter. ServerWorkload is skipped: it has no thresholds (Benchmarks/README.md).
# Update the thresholds after an intended change with:
#   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark thresholds update --path Thresholds/ --skip-target ServerWorkload
set -uo pipefail
cd "$(dirname "$0")/../Benchmarks"
export PATH="/opt/swift/usr/bin:$PATH"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
swift package benchmark thresholds check --path Thresholds/ --no-progress --skip-target ServerWorkload "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    if grep -q "benchmarkThresholdRegression" "$log"; then exit 2; fi
    if grep -q "benchmarkThresholdImprovement" "$log"; then exit 4; fi
fi
exit "$status"
