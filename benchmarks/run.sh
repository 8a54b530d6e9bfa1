#!/usr/bin/env bash
# Runs every benchmark (figures 1-5), prints one table and writes benchmarks/target/results.json.
#   ./benchmarks/run.sh                  the full run (about 10 minutes on 2 cores)
#   ./benchmarks/run.sh --smoke          tiny sizes: checks the wiring in about 2 minutes
#   ./benchmarks/run.sh --figures 1,4    only some figures
# Builds what is needed first (or when sources changed). Never fails on a number: benchmarks report.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$bench/.." && pwd)"
classpath_file="$bench/target/run-classpath.txt"

needs_build() {
  [[ ! -f "$classpath_file" ]] && return 0
  [[ -n "$(find "$root" -path "$root/*/target" -prune -o -path '*/node_modules' -prune -o \
        \( -name '*.java' -o -name 'pom.xml' -o -name '*.json' -o -name '*.properties' \) -newer "$classpath_file" -print -quit)" ]]
}

for tool in java mvn node npm; do
  command -v "$tool" >/dev/null || { echo "benchmarks: '$tool' is needed on the PATH" >&2; exit 2; }
done

if [[ "${BENCHMARKS_SKIP_BUILD:-}" != "1" ]] && needs_build; then
  echo "building (first run or sources changed)..." >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl benchmarks -am) >&2
  touch "$classpath_file"
fi

classpath="$bench/target/classes:$(cat "$classpath_file")"
# Heap for figure 1's prepared records (about 800 MB) and the heap state backend; RocksDB lives outside it.
java_opts=(-Xmx6g -XX:+UseParallelGC --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED)
# From here the emulators keep their logs under benchmarks/target.
cd "$bench"
exec java "${java_opts[@]}" -cp "$classpath" io.eventbackbone.bench.BenchmarkMain --out "$bench/target" "$@"
