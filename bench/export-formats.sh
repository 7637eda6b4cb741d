#!/usr/bin/env bash
# How fast, and in how much memory, is a list of ROWS rows (default 100,000) written as CSV and
# xlsx, by the app's writer and by the candidate libraries of ADR 0017?
#
# Runs bench/export-formats (a console program; no database, no HTTP: the same synthetic rows go
# to a temporary file through each writer) for ROUNDS timed rounds (default 5) after a warm-up,
# then one round that samples the live managed heap after a full collection every 5,000 rows.
# Results go to bench/results/export-formats-<date>.md with the machine and commit.
# Tiny check: ROWS=5000 ROUNDS=1 bench/export-formats.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
ROUNDS=${ROUNDS:-5}
OUT=bench/results/export-formats-$(date -u +%Y-%m-%d).md

dotnet build bench/export-formats -c Release -nologo -v quiet >/dev/null
{
  dotnet bench/export-formats/bin/Release/net10.0/ExportFormats.dll "$ROWS" "$ROUNDS"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; Linux $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Commit: $(git rev-parse --short HEAD)"
} | tee "$OUT"
