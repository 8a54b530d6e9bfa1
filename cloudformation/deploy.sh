#!/usr/bin/env bash
# Builds the job jar and the three Lambda jars (ingest, read API, effects gateway), uploads them to S3 under keys derived from
# their content (so a changed jar is a changed parameter and CloudFormation updates the functions and the
# applications), deploys the stack, and starts the streaming application when it is not running yet.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$SCRIPT_DIR")"
TEMPLATE="$SCRIPT_DIR/event-backbone.yaml"

usage() {
    cat <<'EOF'
usage: cloudformation/deploy.sh --stack NAME --bucket BUCKET --region REGION [options]

Builds the jars, uploads them to s3://BUCKET/PREFIX/, deploys (creates or updates) the stack from
cloudformation/event-backbone.yaml and starts the streaming application if it is READY.

required:
  --stack NAME           stack name; also the prefix of every resource name (letters, digits, -)
  --bucket BUCKET        an existing S3 bucket in REGION for the jars
  --region REGION        AWS region, e.g. eu-west-1

options:
  --stage NAME           API Gateway stage (default v1)
  --prefix PREFIX        S3 key prefix for the jars (default event-backbone/STACK)
  --parameter KEY=VALUE  another template parameter, repeatable (e.g. ApiAuthorization=NONE)
  --flink-jar PATH       job jar to upload (default flink-job/target/flink-job-*-managed-flink.jar)
  --lambda-jar PATH      ingest Lambda jar to upload (default ingest-lambda/target/ingest-lambda-*.jar)
  --read-jar PATH        read API Lambda jar to upload (default read-api/target/read-api-*-lambda.jar)
  --gateway-jar PATH     effects gateway Lambda jar to upload (default effects-gateway/target/effects-gateway-*-lambda.jar)
  --skip-build           upload the jars already built
  --build                build even with --dry-run
  --no-start             leave the streaming application as it is
  --dry-run              print every AWS CLI call instead of making it (needs no AWS CLI, no credentials)
  -h, --help             this text
EOF
}

# shellcheck source=aws-cli.sh
source "$SCRIPT_DIR/aws-cli.sh"

STACK=""
BUCKET=""
REGION=""
STAGE="v1"
PREFIX=""
FLINK_JAR=""
LAMBDA_JAR=""
READ_JAR=""
GATEWAY_JAR=""
BUILD=default
START=true
DRY_RUN=false
EXTRA_PARAMETERS=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --stack) need_value "$@"; STACK="$2"; shift 2 ;;
        --bucket) need_value "$@"; BUCKET="$2"; shift 2 ;;
        --region) need_value "$@"; REGION="$2"; shift 2 ;;
        --stage) need_value "$@"; STAGE="$2"; shift 2 ;;
        --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
        --parameter) need_value "$@"; EXTRA_PARAMETERS+=("$2"); shift 2 ;;
        --flink-jar) need_value "$@"; FLINK_JAR="$2"; shift 2 ;;
        --lambda-jar) need_value "$@"; LAMBDA_JAR="$2"; shift 2 ;;
        --read-jar) need_value "$@"; READ_JAR="$2"; shift 2 ;;
        --gateway-jar) need_value "$@"; GATEWAY_JAR="$2"; shift 2 ;;
        --skip-build) BUILD=false; shift ;;
        --build) BUILD=true; shift ;;
        --no-start) START=false; shift ;;
        --dry-run) DRY_RUN=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) fail "unknown argument '$1'" ;;
    esac
done

[[ -n "$STACK" ]] || fail "--stack is required"
[[ -n "$BUCKET" ]] || fail "--bucket is required"
[[ -n "$REGION" ]] || fail "--region is required"
# Resource names are STACK-events, STACK-ingest, ...: the Lambda's name (at most 64) is the tightest limit.
[[ "$STACK" =~ ^[A-Za-z][A-Za-z0-9-]{0,49}$ ]] \
    || fail "--stack '$STACK' must start with a letter and have at most 50 letters, digits and -"
[[ "$BUCKET" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || fail "--bucket '$BUCKET' is not an S3 bucket name"
[[ "$REGION" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || fail "--region '$REGION' is not a region name such as eu-west-1"
[[ "$STAGE" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || fail "--stage '$STAGE' may have only letters, digits, _ and - (at most 64)"
[[ -n "$PREFIX" ]] || PREFIX="event-backbone/$STACK"
[[ "$PREFIX" =~ ^[A-Za-z0-9!_.*\'\(\)/-]+$ && "$PREFIX" != /* && "$PREFIX" != */ ]] \
    || fail "--prefix '$PREFIX' must be an S3 key prefix without leading or trailing /"
# The names under the template's top-level Parameters section.
template_parameters() {
    awk '/^[A-Za-z]/ { in_parameters = ($0 ~ /^Parameters:/) } in_parameters && /^  [A-Za-z0-9]+:$/ { sub(/:$/, ""); sub(/^  /, ""); print }' "$TEMPLATE"
}
# The keys this script sets itself may not be overridden.
for parameter in "${EXTRA_PARAMETERS[@]+"${EXTRA_PARAMETERS[@]}"}"; do
    [[ "$parameter" =~ ^[A-Za-z0-9]+=.*$ ]] || fail "--parameter '$parameter' must be KEY=VALUE"
    key="${parameter%%=*}"
    case "$key" in
        ArtifactBucket|FlinkJarKey|LambdaJarKey|ReadJarKey|GatewayJarKey|StageName)
            fail "--parameter $key is set by this script; use --bucket, --stage or the jar options" ;;
    esac
    template_parameters | grep -qx "$key" || fail "--parameter $key is not a parameter of $(basename "$TEMPLATE")"
done
if [[ "$BUILD" == default ]]; then
    # A dry run builds only when asked; a real run builds unless told not to.
    if [[ "$DRY_RUN" == true ]]; then BUILD=false; else BUILD=true; fi
fi


build() {
    local command=(mvn -B -DskipTests -pl 'flink-job,ingest-lambda,read-api,effects-gateway' -am package)
    if [[ "$BUILD" != true ]]; then
        [[ "$DRY_RUN" == true ]] && echo "# build skipped (dry run; --build builds): $(print_command "${command[@]}")"
        return 0
    fi
    echo "# building: $(print_command "${command[@]}")" >&2
    (cd "$REPO_ROOT" && "${command[@]}") >&2
}

# The one file matching a build output pattern, or nothing.
built_jar() {
    local pattern="$1" matches=()
    shopt -s nullglob
    # shellcheck disable=SC2206 # the pattern is meant to glob
    matches=($pattern)
    shopt -u nullglob
    local jar found=()
    for jar in "${matches[@]+"${matches[@]}"}"; do
        case "$jar" in *-sources.jar|*-tests.jar|*/original-*) ;; *) found+=("$jar") ;; esac
    done
    if [[ ${#found[@]} -gt 1 ]]; then
        fail "several jars match $pattern: ${found[*]}; name one with --flink-jar, --lambda-jar, --read-jar or --gateway-jar"
    fi
    [[ ${#found[@]} -eq 1 ]] && echo "${found[0]}"
    return 0
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -c1-64
    else
        shasum -a 256 "$1" | cut -c1-64
    fi
}

# The S3 key of a jar: its name stem and the start of its SHA-256, so each build is a new key.
jar_key() {
    local jar="$1" stem="$2"
    if [[ -f "$jar" ]]; then
        echo "$PREFIX/$stem-$(sha256_of "$jar" | cut -c1-16).jar"
    elif [[ "$DRY_RUN" == true ]]; then
        echo "$PREFIX/$stem-SHA256.jar"
    else
        fail "no jar at '$jar': build first (drop --skip-build) or name it with --flink-jar / --lambda-jar / --read-jar"
    fi
}

build

[[ -n "$FLINK_JAR" ]] || FLINK_JAR="$(built_jar "$REPO_ROOT/flink-job/target/flink-job-*-managed-flink.jar")"
[[ -n "$LAMBDA_JAR" ]] || LAMBDA_JAR="$(built_jar "$REPO_ROOT/ingest-lambda/target/ingest-lambda-*.jar")"
# The shaded jar only: the plain read-api-VERSION.jar beside it lacks the dependencies.
[[ -n "$READ_JAR" ]] || READ_JAR="$(built_jar "$REPO_ROOT/read-api/target/read-api-*-lambda.jar")"
[[ -n "$GATEWAY_JAR" ]] || GATEWAY_JAR="$(built_jar "$REPO_ROOT/effects-gateway/target/effects-gateway-*-lambda.jar")"
[[ -n "$FLINK_JAR" ]] || FLINK_JAR="$REPO_ROOT/flink-job/target/flink-job-VERSION-managed-flink.jar"
[[ -n "$LAMBDA_JAR" ]] || LAMBDA_JAR="$REPO_ROOT/ingest-lambda/target/ingest-lambda-VERSION.jar"
[[ -n "$READ_JAR" ]] || READ_JAR="$REPO_ROOT/read-api/target/read-api-VERSION-lambda.jar"
[[ -n "$GATEWAY_JAR" ]] || GATEWAY_JAR="$REPO_ROOT/effects-gateway/target/effects-gateway-VERSION-lambda.jar"
FLINK_KEY="$(jar_key "$FLINK_JAR" flink-job)"
LAMBDA_KEY="$(jar_key "$LAMBDA_JAR" ingest-lambda)"
READ_KEY="$(jar_key "$READ_JAR" read-api)"
GATEWAY_KEY="$(jar_key "$GATEWAY_JAR" effects-gateway)"
if [[ "$DRY_RUN" == true && ( ! -f "$FLINK_JAR" || ! -f "$LAMBDA_JAR" || ! -f "$READ_JAR" || ! -f "$GATEWAY_JAR" ) ]]; then
    echo "# a jar is not built yet: its key shows SHA256 where the hash of its content will be"
fi

require_aws_cli

aws_call s3 cp "$FLINK_JAR" "s3://$BUCKET/$FLINK_KEY" --region "$REGION" --only-show-errors
aws_call s3 cp "$LAMBDA_JAR" "s3://$BUCKET/$LAMBDA_KEY" --region "$REGION" --only-show-errors
aws_call s3 cp "$READ_JAR" "s3://$BUCKET/$READ_KEY" --region "$REGION" --only-show-errors
aws_call s3 cp "$GATEWAY_JAR" "s3://$BUCKET/$GATEWAY_KEY" --region "$REGION" --only-show-errors

OVERRIDES=("ArtifactBucket=$BUCKET" "FlinkJarKey=$FLINK_KEY" "LambdaJarKey=$LAMBDA_KEY" "ReadJarKey=$READ_KEY"
    "GatewayJarKey=$GATEWAY_KEY" "StageName=$STAGE")
OVERRIDES+=("${EXTRA_PARAMETERS[@]+"${EXTRA_PARAMETERS[@]}"}")
aws_call cloudformation deploy --region "$REGION" --stack-name "$STACK" --template-file "$TEMPLATE" \
    --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --tags Project=event-backbone \
    --parameter-overrides "${OVERRIDES[@]}"

if [[ "$START" == true ]]; then
    OUTPUT_QUERY="Stacks[0].Outputs[?OutputKey=='EventStoreApplicationName'].OutputValue"
    # A running application picked up the new jar and settings during the stack update (with a snapshot);
    # only a new or stopped one needs starting, from its latest snapshot if it has one.
    RUN_CONFIGURATION='{"ApplicationRestoreConfiguration":{"ApplicationRestoreType":"RESTORE_FROM_LATEST_SNAPSHOT"},"FlinkRunConfiguration":{"AllowNonRestoredState":false}}'
    if [[ "$DRY_RUN" == true ]]; then
        APPLICATION="$STACK-event-store"
        aws_call cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" --query "$OUTPUT_QUERY" --output text
        aws_call kinesisanalyticsv2 describe-application --region "$REGION" --application-name "$APPLICATION" \
            --query ApplicationDetail.ApplicationStatus --output text
        echo "# only if that status is READY:"
        aws_call kinesisanalyticsv2 start-application --region "$REGION" --application-name "$APPLICATION" \
            --run-configuration "$RUN_CONFIGURATION"
    else
        APPLICATION="$(aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
            --query "$OUTPUT_QUERY" --output text)"
        STATUS="$(aws kinesisanalyticsv2 describe-application --region "$REGION" --application-name "$APPLICATION" \
            --query ApplicationDetail.ApplicationStatus --output text)"
        if [[ "$STATUS" == READY ]]; then
            aws kinesisanalyticsv2 start-application --region "$REGION" --application-name "$APPLICATION" \
                --run-configuration "$RUN_CONFIGURATION"
            echo "Starting $APPLICATION (it takes a few minutes to reach RUNNING)."
        else
            echo "$APPLICATION is $STATUS; not started."
        fi
    fi
fi

aws_call cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" --query 'Stacks[0].Outputs' --output table
