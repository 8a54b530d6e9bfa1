#!/usr/bin/env bash
# Runs the event backbone on this machine: emulators, streams and tables, the ingest API on
# http://localhost:${INGEST_PORT:-8080} and the streaming job with the Flink web UI on
# http://localhost:${FLINK_UI_PORT:-8081}. With arguments, runs a command against a running stack:
#   ./run-local.sh replay --from <instant> --to <instant> [...]
#   ./run-local.sh events <aggregateId> | state <aggregateId> | rejections <aggregateId>
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
classpath_file="$root/local-run/target/run-classpath.txt"

needs_build() {
  [[ ! -f "$classpath_file" ]] && return 0
  # Rebuild when any source or build file is newer than the last build.
  [[ -n "$(find "$root" -path "$root/*/target" -prune -o -path '*/node_modules' -prune -o \
        \( -name '*.java' -o -name 'pom.xml' -o -name '*.json' -o -name '*.yaml' \) -newer "$classpath_file" -print -quit)" ]]
}

for tool in java mvn node npm; do
  command -v "$tool" >/dev/null || { echo "run-local: '$tool' is needed on the PATH" >&2; exit 2; }
done

if [[ "${RUN_LOCAL_SKIP_BUILD:-}" != "1" ]] && needs_build; then
  echo "building (first run or sources changed)..." >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl local-run -am) >&2
fi

classpath="$root/local-run/target/classes:$(cat "$classpath_file")"
java_opts=(-Deventbackbone.root="$root" -Xmx2g -XX:+UseParallelGC --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED)

if [[ $# -eq 0 ]]; then
  # exec: the JVM gets Ctrl-C and SIGTERM directly and its shutdown hook stops everything it started.
  exec java "${java_opts[@]}" -cp "$classpath" io.eventbackbone.localrun.LocalStack
fi
exec java "${java_opts[@]}" -cp "$classpath" io.eventbackbone.localrun.LocalStack "$@"
