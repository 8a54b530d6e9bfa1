# shellcheck shell=bash
# Sourced by deploy.sh and start-replay.sh: AWS CLI calls that a dry run prints instead of making.
# Expects DRY_RUN (true|false) to be set by the caller.

# Prints a command so that it can be pasted into a shell.
print_command() {
    local out="" arg
    for arg in "$@"; do
        if [[ "$arg" =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then
            out+=" $arg"
        elif [[ "$arg" == *\'* && "$arg" != *[\$\`\"\\!]* ]]; then
            out+=" \"$arg\""
        else
            out+=" '${arg//\'/\'\\\'\'}'"
        fi
    done
    echo "${out# }"
}

# Runs an AWS CLI call, or prints it in a dry run.
aws_call() {
    if [[ "$DRY_RUN" == true ]]; then
        print_command aws "$@"
    else
        aws "$@"
    fi
}

# Fails early, before any call, when a real run has no AWS CLI.
require_aws_cli() {
    if [[ "$DRY_RUN" != true ]] && ! command -v aws >/dev/null 2>&1; then
        fail "the AWS CLI (aws) is not on the PATH; install it, or use --dry-run to see the calls"
    fi
}
