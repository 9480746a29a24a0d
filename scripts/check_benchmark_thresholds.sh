#!/usr/bin/env bash
# Runs every micro benchmark suite in Benchmarks/ and checks it against the committed p90 thresholds
# in Benchmarks/Thresholds/ (ordo-one/benchmark's exit statuses: 0 within the thresholds,
# 2 a regression, 4 improvements only). Extra arguments go to `swift package`, e.g. --filter.
# Update the thresholds after an intended change with:
#   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark thresholds update --path Thresholds/
set -uo pipefail
cd "$(dirname "$0")/../Benchmarks"
export PATH="/opt/swift/usr/bin:$PATH"
swift package benchmark thresholds check --path Thresholds/ --no-progress "$@"
