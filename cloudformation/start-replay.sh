#!/usr/bin/env bash
# Launches a replay on Managed Flink: checks the request here (the same rules as the job's ReplayRequest),
# writes it as the Replay property group of the stack's replay application, and starts the application.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    cat <<'EOF'
usage: cloudformation/start-replay.sh --stack NAME --to INSTANT [--from INSTANT] [options]
       cloudformation/start-replay.sh --stack NAME --target preview --to INSTANT [--run-id ID] [filters]
       cloudformation/start-replay.sh --stack NAME --target apply --preview ID [--send-compensations]

Replays the events recorded in [from, to) into the playback stream, rebuilds projections as of `to`, or
lists the events of [from, to) in the time index again from a scan of the events table, with the stack's
replay application (ReplayApplicationName output).

required:
  --stack NAME             the stack deployed by deploy.sh
  --to INSTANT             end of the window, exclusive: ISO-8601 with an offset, e.g. 2026-01-31T09:30:00Z
  --from INSTANT           start of the window, inclusive (required for target playback; a projection
                           rebuild folds each aggregate from its first event and ignores it; without it a
                           time index rebuild lists every event before --to)

options:
  --target T               playback (default), projection, or time-index: list the window's events in
                           STACK-time-index again (after an upgrade from a stack without it, or to repair it;
                           scans the whole events table); preview: fold the selected aggregates with the
                           deployed logic into STACK-rebuild-<run id> (created here) and report, in the log,
                           what a logic fix changes; apply: write the states preview --preview ID changed to
                           STACK-projections under the generation rule (no window, no filter)
  --preview ID             the run id of the preview to apply (target apply only)
  --send-compensations     also send the compensations the preview listed (effects the fix adds, withdrawals of
                           effects it takes back) to the effects stream; without it they are listed only
  --aggregate-ids A,B      only these aggregates (not with target time-index: the index lists every event)
  --aggregate-types A,B    only aggregates of these types (not with target time-index)
  --event-types A,B        only these event types (target playback only)
  --projection-table T     table a rebuild writes to (target projection only; default the live projections
                           table). The replay role may write only STACK-projections and STACK-rebuild-*.
  --overwrite              let a rebuild replace newer items (target projection only)
  --run-id ID              name of this replay in the playback records (default replay-<UTC time>)
  --region REGION          AWS region (default: the AWS CLI's)
  --dry-run                print every AWS CLI call instead of making it (needs no AWS CLI, no credentials)
  -h, --help               this text
EOF
}

# shellcheck source=aws-cli.sh
source "$SCRIPT_DIR/aws-cli.sh"

STACK=""
FROM=""
TO=""
TARGET="playback"
AGGREGATE_IDS=""
AGGREGATE_TYPES=""
EVENT_TYPES=""
PROJECTION_TABLE=""
OVERWRITE=false
RUN_ID=""
PREVIEW=""
REGION=""
DRY_RUN=false
SEND_COMPENSATIONS=false

while [[ $# -gt 0 ]]; do
    case "$1" in
        --stack) need_value "$@"; STACK="$2"; shift 2 ;;
        --from) need_value "$@"; FROM="$2"; shift 2 ;;
        --to) need_value "$@"; TO="$2"; shift 2 ;;
        --target) need_value "$@"; TARGET="$2"; shift 2 ;;
        --aggregate-ids) need_value "$@"; AGGREGATE_IDS="$2"; shift 2 ;;
        --aggregate-types) need_value "$@"; AGGREGATE_TYPES="$2"; shift 2 ;;
        --event-types) need_value "$@"; EVENT_TYPES="$2"; shift 2 ;;
        --projection-table) need_value "$@"; PROJECTION_TABLE="$2"; shift 2 ;;
        --overwrite) OVERWRITE=true; shift ;;
        --run-id) need_value "$@"; RUN_ID="$2"; shift 2 ;;
        --preview) need_value "$@"; PREVIEW="$2"; shift 2 ;;
        --send-compensations) SEND_COMPENSATIONS=true; shift ;;
        --region) need_value "$@"; REGION="$2"; shift 2 ;;
        --dry-run) DRY_RUN=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) fail "unknown argument '$1'" ;;
    esac
done

# ------------------------------------------------------------------ the request, checked before any call

[[ -n "$STACK" ]] || fail "--stack is required"
[[ "$STACK" =~ ^[A-Za-z][A-Za-z0-9-]{0,49}$ ]] || fail "--stack '$STACK' is not a stack name deploy.sh accepts"
[[ -z "$REGION" || "$REGION" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || fail "--region '$REGION' is not a region name such as eu-west-1"
case "$TARGET" in
    playback|projection|time-index|preview|apply) ;;
    *) fail "--target must be playback, projection, time-index, preview or apply, not '$TARGET'" ;;
esac
# A preview's table is named after its run: the replay role may write STACK-rebuild-* tables.
PREVIEW_ID='^[A-Za-z0-9._-]{1,100}$'
if [[ "$TARGET" == apply ]]; then
    [[ -n "$PREVIEW" ]] || fail "--preview is required for target apply: the run id of the preview to apply"
    [[ "$PREVIEW" =~ $PREVIEW_ID ]] || fail "--preview '$PREVIEW' is not a preview's run id (letters, digits and . _ -, at most 100)"
    for given in "--from:$FROM" "--to:$TO" "--aggregate-ids:$AGGREGATE_IDS" "--aggregate-types:$AGGREGATE_TYPES" \
                 "--event-types:$EVENT_TYPES" "--projection-table:$PROJECTION_TABLE"; do
        [[ -z "${given#*:}" ]] || fail "${given%%:*} cannot be used with target apply: the preview made the selection"
    done
    [[ "$OVERWRITE" == false ]] || fail "--overwrite cannot be used with target apply: it writes under the generation rule only"
fi
if [[ -n "$PREVIEW" && "$TARGET" != apply ]]; then
    fail "--preview applies only to --target apply"
fi
if [[ "$SEND_COMPENSATIONS" == true && "$TARGET" != apply ]]; then
    fail "--send-compensations applies only to --target apply"
fi
[[ "$TARGET" == apply || -n "$TO" ]] || fail "--to is required: the end of the window (exclusive), e.g. 2026-01-31T09:30:00Z"

ISO_INSTANT='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$'
DATE="date"
if ! date -u -d 1970-01-01T00:00:00Z +%s >/dev/null 2>&1; then
    # BSD date (macOS) cannot parse ISO-8601; coreutils installs GNU date as gdate there.
    command -v gdate >/dev/null 2>&1 || fail "needs GNU date to check the window (on macOS: brew install coreutils)"
    DATE=gdate
fi

# Nanoseconds since the epoch of an ISO-8601 instant with an offset, or a failure naming the option.
epoch_nanos() {
    local option="$1" value="$2" nanos
    [[ "$value" =~ $ISO_INSTANT ]] \
        || fail "$option must be an ISO-8601 instant with an offset, e.g. 2026-01-31T09:30:00Z; got '$value'"
    nanos="$("$DATE" -u -d "$value" +%s%N 2>/dev/null)" || fail "$option '$value' is not a valid date and time"
    echo "$nanos"
}

TO_NANOS=""
if [[ -n "$TO" ]]; then
    TO_NANOS="$(epoch_nanos --to "$TO")"
fi
if [[ "$TARGET" == playback ]]; then
    [[ -n "$FROM" ]] || fail "--from is required for target playback: the start of the window (inclusive)"
fi
if [[ -n "$FROM" ]]; then
    FROM_NANOS="$(epoch_nanos --from "$FROM")"
    [[ "$FROM_NANOS" -lt "$TO_NANOS" ]] \
        || fail "the window is empty or reversed: --from $FROM must be before --to $TO"
    if [[ "$TARGET" == projection || "$TARGET" == preview ]]; then
        echo "start-replay.sh: --from is ignored for target $TARGET: each aggregate is folded from its first event" >&2
        FROM=""
    fi
fi

ID_LIST='^[A-Za-z0-9._:@-]{1,128}$'
TYPE_LIST='^[A-Za-z][A-Za-z0-9._-]{0,127}$'
# A comma-separated list without blanks, each item checked; prints the normalised list.
checked_list() {
    local option="$1" value="$2" pattern="$3" what="$4" item out=()
    IFS=',' read -r -a items <<< "$value"
    for item in "${items[@]}"; do
        item="${item#"${item%%[![:space:]]*}"}"
        item="${item%"${item##*[![:space:]]}"}"
        [[ -z "$item" ]] && continue
        [[ "$item" =~ $pattern ]] || fail "$option: '$item' is not a valid $what"
        out+=("$item")
    done
    [[ ${#out[@]} -gt 0 ]] || fail "$option needs at least one value"
    local IFS=','
    echo "${out[*]}"
}

[[ -n "$AGGREGATE_IDS" ]] && AGGREGATE_IDS="$(checked_list --aggregate-ids "$AGGREGATE_IDS" "$ID_LIST" "aggregate id (letters, digits and . _ : @ -, at most 128)")"
[[ -n "$AGGREGATE_TYPES" ]] && AGGREGATE_TYPES="$(checked_list --aggregate-types "$AGGREGATE_TYPES" "$TYPE_LIST" "type (a letter, then letters, digits and . _ -)")"
[[ -n "$EVENT_TYPES" ]] && EVENT_TYPES="$(checked_list --event-types "$EVENT_TYPES" "$TYPE_LIST" "type (a letter, then letters, digits and . _ -)")"
if [[ "$TARGET" == projection ]]; then
    [[ -z "$EVENT_TYPES" ]] || fail "--event-types cannot be used with target projection: a projection folds every event"
    if [[ -n "$PROJECTION_TABLE" ]]; then
        # The replay role's grant: the live table or STACK-rebuild-* (see ReplayApplicationRole).
        [[ "$PROJECTION_TABLE" == "$STACK-projections" || "$PROJECTION_TABLE" =~ ^$STACK-rebuild-[A-Za-z0-9_.-]+$ ]] \
            || fail "--projection-table must be $STACK-projections or $STACK-rebuild-<name> (the replay role may write only those); got '$PROJECTION_TABLE'"
        [[ ${#PROJECTION_TABLE} -le 255 ]] || fail "--projection-table is longer than 255 characters"
    fi
    # The streaming job writes the live table too; a logic fix corrects it through logic.generation instead.
    [[ "$OVERWRITE" == false || ( -n "$PROJECTION_TABLE" && "$PROJECTION_TABLE" != "$STACK-projections" ) ]] \
        || fail "--overwrite cannot write the live projections table $STACK-projections: raise the stack's LogicGeneration with the fix and rebuild (a higher generation replaces a state at its version), or overwrite a $STACK-rebuild-<name> table"
elif [[ "$TARGET" != preview ]]; then
    [[ -z "$PROJECTION_TABLE" && "$OVERWRITE" == false ]] \
        || fail "--projection-table and --overwrite apply only to --target projection"
fi
if [[ "$TARGET" == time-index ]]; then
    [[ -z "$AGGREGATE_IDS" ]] || fail "--aggregate-ids cannot be used with target time-index: the index lists every event"
    [[ -z "$AGGREGATE_TYPES" ]] || fail "--aggregate-types cannot be used with target time-index: the index lists every event"
    [[ -z "$EVENT_TYPES" ]] || fail "--event-types cannot be used with target time-index: the index lists every event"
fi
if [[ "$TARGET" == preview ]]; then
    [[ -z "$EVENT_TYPES" ]] || fail "--event-types cannot be used with target preview: a projection folds every event"
    [[ -n "$RUN_ID" ]] || RUN_ID="preview-$(date -u +%Y%m%dT%H%M%SZ)"
    [[ "$RUN_ID" =~ $PREVIEW_ID ]] || fail "--run-id of a preview names its table: letters, digits and . _ - (at most 100)"
    [[ -z "$PROJECTION_TABLE" || "$PROJECTION_TABLE" == "$STACK-rebuild-$RUN_ID" ]] \
        || fail "--projection-table of a preview is $STACK-rebuild-<run id>, a table of its own; leave it out"
    [[ "$OVERWRITE" == false ]] || fail "--overwrite cannot be used with target preview: it writes a fresh table"
    PROJECTION_TABLE="$STACK-rebuild-$RUN_ID"
fi
[[ "$TARGET" == apply && -z "$RUN_ID" ]] && RUN_ID="apply-$PREVIEW-$(date -u +%Y%m%dT%H%M%SZ)"
[[ -n "$RUN_ID" ]] || RUN_ID="replay-$(date -u +%Y%m%dT%H%M%SZ)"
[[ "$RUN_ID" =~ $ID_LIST ]] || fail "--run-id may contain only letters, digits and . _ : @ - (at most 128)"

# What the summary lines say the replay writes to (the template names them after the stack).
case "$TARGET" in
    playback) WRITES="the stream $STACK-playback" ;;
    projection) WRITES="the table ${PROJECTION_TABLE:-$STACK-projections}" ;;
    time-index) WRITES="the table $STACK-time-index, from a scan of the whole table $STACK-events" ;;
    preview) WRITES="the table $PROJECTION_TABLE (never $STACK-projections), and its report in the log" ;;
    apply) WRITES="the table $STACK-projections, the states preview $PREVIEW changed ($STACK-rebuild-$PREVIEW)"
        [[ "$SEND_COMPENSATIONS" == true ]] && WRITES+=", and its compensations to the stream $STACK-effects" ;;
esac

# ------------------------------------------------------------------ the Replay property group

# Values are checked above to hold no quote or backslash; escaping anyway keeps the JSON valid if that changes.
json_string() {
    local value="${1//\\/\\\\}"
    printf '"%s"' "${value//\"/\\\"}"
}

REPLAY_MAP="$(json_string replay.target):$(json_string "$TARGET")"
[[ -n "$FROM" ]] && REPLAY_MAP+=",$(json_string replay.from):$(json_string "$FROM")"
[[ -n "$TO" ]] && REPLAY_MAP+=",$(json_string replay.to):$(json_string "$TO")"
[[ -n "$PREVIEW" ]] && REPLAY_MAP+=",$(json_string replay.preview.table):$(json_string "$STACK-rebuild-$PREVIEW")"
REPLAY_MAP+=",$(json_string replay.run.id):$(json_string "$RUN_ID")"
[[ -n "$AGGREGATE_IDS" ]] && REPLAY_MAP+=",$(json_string replay.aggregate.ids):$(json_string "$AGGREGATE_IDS")"
[[ -n "$AGGREGATE_TYPES" ]] && REPLAY_MAP+=",$(json_string replay.aggregate.types):$(json_string "$AGGREGATE_TYPES")"
[[ -n "$EVENT_TYPES" ]] && REPLAY_MAP+=",$(json_string replay.event.types):$(json_string "$EVENT_TYPES")"
[[ -n "$PROJECTION_TABLE" ]] && REPLAY_MAP+=",$(json_string replay.projection.table):$(json_string "$PROJECTION_TABLE")"
[[ "$OVERWRITE" == true ]] && REPLAY_MAP+=",$(json_string replay.overwrite):$(json_string true)"
[[ "$SEND_COMPENSATIONS" == true ]] && REPLAY_MAP+=",$(json_string replay.send.compensations):$(json_string true)"
REPLAY_GROUP="{\"PropertyGroupId\":\"Replay\",\"PropertyMap\":{$REPLAY_MAP}}"

# ------------------------------------------------------------------ the calls

require_aws_cli

REGION_ARGS=()
[[ -n "$REGION" ]] && REGION_ARGS=(--region "$REGION")
OUTPUT_QUERY="Stacks[0].Outputs[?OutputKey=='ReplayApplicationName'].OutputValue"
STATE_QUERY='ApplicationDetail.[ApplicationStatus,ApplicationVersionId]'
GROUP_QUERY="ApplicationDetail.ApplicationConfigurationDescription.EnvironmentPropertyDescriptions.PropertyGroupDescriptions[?PropertyGroupId=='EventStore'] | [0]"
# A bounded job has no state to restore.
RUN_CONFIGURATION='{"ApplicationRestoreConfiguration":{"ApplicationRestoreType":"SKIP_RESTORE_FROM_SNAPSHOT"}}'

# update-application replaces every property group: the EventStore group goes back unchanged.
configuration_update() {
    echo "{\"EnvironmentPropertyUpdates\":{\"PropertyGroups\":[$1,$REPLAY_GROUP]}}"
}

# A preview's table: the projections table's key, billed per request like every table of the stack.
PREVIEW_TABLE_ARGS=(--table-name "$PROJECTION_TABLE" --attribute-definitions AttributeName=aggregateId,AttributeType=S
    --key-schema AttributeName=aggregateId,KeyType=HASH --billing-mode PAY_PER_REQUEST)

if [[ "$DRY_RUN" == true ]]; then
    APPLICATION="$STACK-replay"
    echo "# replay $RUN_ID: target $TARGET, window [${FROM:-first event}, ${TO:-none}), writes $WRITES"
    if [[ "$TARGET" == preview ]]; then
        aws_call dynamodb create-table "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" "${PREVIEW_TABLE_ARGS[@]}"
        echo "# refused first when the table exists; then waits for it (aws dynamodb wait table-exists)"
    fi
    aws_call cloudformation describe-stacks "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --stack-name "$STACK" --query "$OUTPUT_QUERY" --output text
    echo "# the name CloudFormation gives it is $APPLICATION; the calls below use that"
    aws_call kinesisanalyticsv2 describe-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" --query "$STATE_QUERY" --output text
    echo "# stops here unless the status is READY; VERSION_ID below is the version it reports"
    aws_call kinesisanalyticsv2 describe-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" --query "$GROUP_QUERY" --output json
    echo "# EVENTSTORE_GROUP below is the group that call prints, unchanged"
    aws_call kinesisanalyticsv2 update-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" \
        --current-application-version-id VERSION_ID --application-configuration-update "$(configuration_update EVENTSTORE_GROUP)"
    echo "# waits until the status is READY again (describe-application every 5 s)"
    aws_call kinesisanalyticsv2 start-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" \
        --run-configuration "$RUN_CONFIGURATION"
    exit 0
fi

APPLICATION="$(aws cloudformation describe-stacks "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --stack-name "$STACK" --query "$OUTPUT_QUERY" --output text)"
[[ -n "$APPLICATION" && "$APPLICATION" != None ]] \
    || fail "stack $STACK has no output ReplayApplicationName: is it deployed from cloudformation/event-backbone.yaml?"

application_state() {
    aws kinesisanalyticsv2 describe-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" \
        --query "$STATE_QUERY" --output text
}

read -r STATUS VERSION_ID <<< "$(application_state)"
if [[ "$STATUS" != READY ]]; then
    echo "start-replay.sh: $APPLICATION is $STATUS; a replay starts only from READY." >&2
    echo "If the previous replay has finished, stop it first:" >&2
    echo "  $(print_command aws kinesisanalyticsv2 stop-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION")" >&2
    exit 1
fi

if [[ "$TARGET" == preview ]]; then
    if aws dynamodb describe-table "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --table-name "$PROJECTION_TABLE" >/dev/null 2>&1; then
        fail "table $PROJECTION_TABLE exists: a preview writes a table of its own; give another --run-id"
    fi
    aws dynamodb create-table "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" "${PREVIEW_TABLE_ARGS[@]}" >/dev/null
    aws dynamodb wait table-exists "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --table-name "$PROJECTION_TABLE"
fi

EVENTSTORE_GROUP="$(aws kinesisanalyticsv2 describe-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" \
    --query "$GROUP_QUERY" --output json | tr -d '\n')"
[[ "$EVENTSTORE_GROUP" == \{* ]] || fail "$APPLICATION has no EventStore property group: redeploy the stack"

aws kinesisanalyticsv2 update-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" \
    --current-application-version-id "$VERSION_ID" \
    --application-configuration-update "$(configuration_update "$EVENTSTORE_GROUP")" >/dev/null

for _ in $(seq 1 120); do
    read -r STATUS VERSION_ID <<< "$(application_state)"
    [[ "$STATUS" == READY ]] && break
    sleep 5
done
[[ "$STATUS" == READY ]] || { echo "start-replay.sh: $APPLICATION is still $STATUS after 10 minutes" >&2; exit 1; }

aws kinesisanalyticsv2 start-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION" \
    --run-configuration "$RUN_CONFIGURATION" >/dev/null

cat <<EOF
Started replay $RUN_ID on $APPLICATION: target $TARGET, window [${FROM:-first event}, ${TO:-none}), writes $WRITES.
Its summary is logged at the end (log group /aws/kinesis-analytics/$STACK-replay):
  $(print_command aws logs tail "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" "/aws/kinesis-analytics/$STACK-replay" --follow)
When the job has finished, stop the application so the next replay can start:
  $(print_command aws kinesisanalyticsv2 stop-application "${REGION_ARGS[@]+"${REGION_ARGS[@]}"}" --application-name "$APPLICATION")
EOF
