#!/usr/bin/env bash
# Runs the event backbone on this machine: emulators, streams and tables, the ingest API, the read API and
# the support page on http://localhost:${INGEST_PORT:-8080} and the streaming job with the Flink web UI on
# http://localhost:${FLINK_UI_PORT:-8081}. With arguments, runs a command against a running stack:
#   ./run-local.sh replay --from <instant> --to <instant> [...]
#   ./run-local.sh events <aggregateId> | state <aggregateId> | rejections <aggregateId>
#   ./run-local.sh reverse <aggregateId> <version> --reason <text> [--actor <who>] [--dry-run]
#   ./run-local.sh revert <aggregateId> <toVersion> --reason <text> [--actor <who>] [--dry-run]
#   ./run-local.sh effects [--resend <key>|--all]   what the effects gateway sent and parked; re-send parked ones
#   ./run-local.sh support --stack <name> [--region R]   the support page for a deployed stack, read-only
# FX_URL and NOTIFICATIONS_URL name the external targets; unset, built-in stand-ins answer on ${STAND_IN_PORT:-8083}.
# The emulators' data and the job's checkpoints stay in ${LOCAL_DATA_DIR:-.local-data} across restarts;
#   ./run-local.sh reset [--yes]   deletes them (asks first unless --yes).
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/build-when-changed.sh
source "$root/scripts/build-when-changed.sh"
require_tools run-local java mvn node npm
build_when_changed local-run "${RUN_LOCAL_SKIP_BUILD:-}"
classpath="$(run_classpath local-run)"
java_opts=(-Deventbackbone.root="$root" -Xmx2g -XX:+UseParallelGC --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED)

if [[ $# -eq 0 ]]; then
  # exec: the JVM gets Ctrl-C and SIGTERM directly and its shutdown hook stops everything it started.
  exec java "${java_opts[@]}" -cp "$classpath" io.eventbackbone.localrun.LocalStack
fi
exec java "${java_opts[@]}" -cp "$classpath" io.eventbackbone.localrun.LocalStack "$@"
