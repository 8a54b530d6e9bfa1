#!/usr/bin/env bash
# Runs every benchmark (figures 1-9), prints one table and writes benchmarks/target/results.json.
#   ./benchmarks/run.sh                  the full run (about 15 minutes on 2 cores)
#   ./benchmarks/run.sh --smoke          tiny sizes: checks the wiring in about 5 minutes
#   ./benchmarks/run.sh --figures 1,4    only some figures (--figures 8: the read API alone, about 1.5 minutes; --figures 9: external queries, no emulators)
#   ./benchmarks/run.sh --jmh [JMH ARGS] the JMH micro-benchmarks instead (e.g. --jmh InstantTextBenchmark -f 1)
# Builds what is needed first (or when sources changed). Never fails on a number: benchmarks report.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$bench/.." && pwd)"
# shellcheck source=../scripts/build-when-changed.sh
source "$root/scripts/build-when-changed.sh"
require_tools benchmarks java mvn node npm
build_when_changed benchmarks "${BENCHMARKS_SKIP_BUILD:-}"
classpath="$(run_classpath benchmarks)"
# Heap for figure 1's prepared records (about 800 MB) and the heap state backend; RocksDB lives outside it.
java_opts=(-Xmx6g -XX:+UseParallelGC --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED)
# From here the emulators keep their logs under benchmarks/target.
cd "$bench"
if [[ "${1:-}" == "--jmh" ]]; then
  shift
  exec java -cp "$classpath" org.openjdk.jmh.Main "$@"
fi
exec java "${java_opts[@]}" -cp "$classpath" io.eventbackbone.bench.BenchmarkMain --out "$bench/target" "$@"
