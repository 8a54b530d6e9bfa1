# shellcheck shell=bash
# Sourced by run-local.sh and benchmarks/run.sh: build a module only when the sources changed since its last
# build, and give its run classpath. Expects `root` (the project root) to be set by the caller.

# Stops with exit status 2 when a tool the build or the run needs is missing.
require_tools() {
  local who="$1" tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$who: '$tool' is needed on the PATH" >&2; exit 2; }
  done
}

# build_when_changed MODULE SKIP: runs `mvn package -pl MODULE -am` when MODULE has never been built or a source
# or build file is newer than its last build, unless SKIP is 1. The module writes target/run-classpath.txt
# when it is packaged; its time stamp marks the last build.
build_when_changed() {
  local module="$1" skip="$2"
  local stamp="$root/$module/target/run-classpath.txt"
  [[ "$skip" == "1" ]] && return 0
  if [[ -f "$stamp" && -z "$(find "$root" -path "$root/*/target" -prune -o -path '*/node_modules' -prune -o \
        \( -name '*.java' -o -name 'pom.xml' -o -name '*.json' -o -name '*.yaml' -o -name '*.properties' \
        -o -name '*.html' -o -name '*.css' -o -name '*.js' \) \
        -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  echo "building (first run or sources changed)..." >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl "$module" -am) >&2
  touch "$stamp"
}

# The module's classes and its dependencies, as a java -cp value.
run_classpath() {
  local module="$1"
  echo "$root/$module/target/classes:$(cat "$root/$module/target/run-classpath.txt")"
}
