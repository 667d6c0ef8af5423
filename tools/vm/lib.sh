# shellcheck shell=bash
# Common helpers for tools/vmtest. Sourced, not executed.

vm_log() { printf '[vmtest] %s\n' "$*" >&2; }
vm_warn() { printf '[vmtest] WARNING: %s\n' "$*" >&2; }
die() { printf '[vmtest] ERROR: %s\n' "$*" >&2; exit 2; }

# now_s: seconds since the epoch with fractions (for timings)
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# run_logged LOGFILE DESCRIPTION CMD...: run CMD with all output going to
# LOGFILE; on failure print the log's tail and return the command's status.
run_logged() {
	local logf=$1 desc=$2 rc=0 t0
	shift 2
	mkdir -p "$(dirname "$logf")"
	t0=$(now_s)
	vm_log "$desc (log: $logf)"
	"$@" >"$logf" 2>&1 </dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '[vmtest] ERROR: %s failed (exit %s); last lines of %s:\n' \
			"$desc" "$rc" "$logf" >&2
		tail -n 40 "$logf" | sed 's/^/    | /' >&2
		return "$rc"
	fi
	vm_log "$desc: done in $(elapsed "$t0") s"
}

# as_root CMD...: run CMD as root (through sudo when not root)
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
	else
		die "need root for: $* (not root and no sudo)"
	fi
}

# with_lock FILE CMD...: serialise CMD against other vmtest runs sharing
# the cache (CI clones on the same machine).
with_lock() {
	local lockf=$1
	shift
	mkdir -p "$(dirname "$lockf")"
	flock -w 7200 "$lockf" "$@"
}

# hash_of FILES...: short content hash of files (order matters)
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
