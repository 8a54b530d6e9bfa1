# shellcheck shell=bash
# Sourced by deploy.sh and start-replay.sh: their option and error helpers, and AWS CLI calls that a dry run
# prints instead of making (those expect DRY_RUN, true|false, set by the caller).

# Stops the script with a usage hint; exit status 2 means the command line was wrong.
fail() {
    local script
    script="$(basename "$0")"
    echo "$script: $*" >&2
    echo "Run cloudformation/$script --help for usage." >&2
    exit 2
}

# For an option that takes a value: the value must be there and must not look like the next option.
need_value() {
    [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || fail "$1 needs a value"
}

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
