#!/bin/sh
# tools/vmtest --deep, in the guest: Debian's trinity against the driver's
# device nodes for a bounded time, as an unprivileged user in a throw-away
# folder. The bench stages this file as /tests/fuzz with @SECS@ and
# @SYSCALLS@ filled in; trinity and its libraries are in the initramfs.
secs=@SECS@
work=/tmp/trinity-work

# Trinity's victims (-V): copies of the driver's nodes, readable and
# writable by nobody, alone in a folder, so that its file descriptors are
# the driver's
rm -rf "$work"
mkdir -p "$work/victims"
n=0
for node in /dev/acceldev[0-9]* /dev/accel/accel[0-9]*; do
	[ -c "$node" ] || continue
	mm=$(stat -c '%t %T' "$node")
	# shellcheck disable=SC2086
	mknod "$work/victims/$(basename "$node")" c $((0x${mm% *})) $((0x${mm#* }))
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "trinity: no acceldev node"; exit 1; }
chmod 0666 "$work/victims"/*
chown -R nobody "$work"
echo "trinity: victims: $(ls "$work/victims" | tr '\n' ' ')for $secs s"

# Every system call that reaches a driver through a file descriptor, both
# ABIs; no other fd providers than the victims (trinity's "pseudo"
# provider is the one that opens -V's files)
cd "$work" || exit 1
rc=0
# phase NAME SECONDS SYSCALL...
phase() {
	_name=$1 _secs=$2
	shift 2
	_args=
	for _c in "$@"; do
		_args="$_args -c $_c"
	done
	_t0=$(date +%s)
	# (in a session of its own: trinity's signals to its process group
	# must not reach this script)
	setsid su -s /bin/sh nobody -c \
		"exec trinity -q -l off -C 4 --stats -V $work/victims \
		--disable-fds=sockets,pipes,perf,epoll,eventfd,timerfd,testfile,memfd,drm \
		$_args" >"$work/out.$_name" 2>&1 </dev/null &
	sleep "$_secs"
	if [ -z "$(pidof trinity)" ]; then
		echo "trinity ($_name): stopped before its $_secs s"
		rc=1
	fi
	# where its processes are at the end (a blocked one shows its wait)
	for _p in $(pidof trinity); do
		echo "trinity ($_name): pid $_p $(grep State /proc/"$_p"/status | tr -s '\t ' ' ') wchan $(cat /proc/"$_p"/wchan)"
	done
	# trinity stops at SIGINT, and its children with it
	_pids=$(pidof trinity)
	# shellcheck disable=SC2086
	[ -n "$_pids" ] && kill -INT $_pids
	_i=0
	while [ -n "$(pidof trinity)" ] && [ "$_i" -lt 30 ]; do
		sleep 1
		_i=$((_i + 1))
	done
	if [ -n "$(pidof trinity)" ]; then
		echo "trinity ($_name): still running 30 s after SIGINT: killed"
		# shellcheck disable=SC2046
		kill -KILL $(pidof trinity)
		rc=1
	fi
	echo "trinity ($_name): ran $(($(date +%s) - _t0)) s, syscalls $*"
	# its count of system calls made, then its errno table
	grep -m 1 -E '^\[main\] Ran [0-9]+ syscalls' "$work/out.$_name"
	sed -n '/^32bit:/,$p' "$work/out.$_name" | grep -v '^\[main\]' | head -n 80
	# trinity's own verdicts: a tainted kernel, or a stop other than ours
	if grep -E 'became tainted|Bailing main loop' "$work/out.$_name" | grep -v 'ctrl-c'; then
		rc=1
	fi
}
phase fd "$secs" @SYSCALLS@
exit "$rc"
