# shellcheck shell=bash
# tools/vmtest --deep (issue 22): what does not fit CI's budget, run by
# hand or nightly; see tools/vm/README.md, "--deep". Three parts, each a
# group of results; ACCELDEV_DEEP=kcsan,coverage,trinity (the default)
# picks some:
#   kcsan/     the concurrency and stress tests on the KCSAN kernel; a
#              data-race report with a frame in acceldev fails the test it
#              falls in and kcsan/data-races; the rest are counted
#   coverage/  the whole suite with a gcov-built module on the KCSAN kernel
#              (KCSAN off at boot; its fault injection runs the fail-nth
#              tests), lcov's line and branch report
#   trinity/   Debian's trinity against the driver's nodes on the debug
#              kernel, then a verified FILL on each function, rmmod,
#              kmemleak
#   tiers/     the tests --all keeps off some of its tiers ("// vmtest:
#              tiers=", tools/testing/acceldev/README.md), on those tiers
# Sourced by tools/vmtest (needs its functions: record, run_vm_groups,
# guest_tests_on_current_kernel, use_debug_kernel, ...).

# The tests the KCSAN kernel runs (patterns on test names): the ones that
# make the driver's code run on several CPUs at once
DEEP_KCSAN_TESTS=('stress_*' 'threads_*' 'accel_threads' 'accel_stress_removal'
	'*ioctl_fuzz*' 'sync_burst_last_fence' 'wait_and_close_under_signals'
	'processes_killed_midway')
# Trinity: how long (ACCELDEV_TRINITY_SECS), and the system calls it makes
# (those that reach a driver through a file descriptor, both ABIs)
DEEP_TRINITY_SECS=${ACCELDEV_TRINITY_SECS:-600}
read -r -a DEEP_TRINITY_SYSCALLS <<<"${ACCELDEV_TRINITY_SYSCALLS:-}"
[ ${#DEEP_TRINITY_SYSCALLS[@]} -gt 0 ] || DEEP_TRINITY_SYSCALLS=(ioctl mmap munmap mremap mprotect madvise msync read
	write pread64 pwrite64 readv writev lseek newfstat fcntl poll dup)

deep_wants() { [[ ",${ACCELDEV_DEEP:-kcsan,coverage,trinity,tiers}," == *",$1,"* ]]; }

main_deep() {
	local t0
	if deep_wants kcsan; then
		t0=$(now_s)
		PREFIX=kcsan/
		deep_kcsan
		vm_log "KCSAN part: $(elapsed "$t0") s"
	fi
	if deep_wants coverage; then
		t0=$(now_s)
		PREFIX=coverage/
		deep_coverage
		vm_log "coverage part: $(elapsed "$t0") s"
	fi
	if deep_wants trinity; then
		t0=$(now_s)
		PREFIX=trinity/
		deep_trinity
		vm_log "trinity part: $(elapsed "$t0") s"
	fi
	if deep_wants tiers; then
		t0=$(now_s)
		deep_tiers
		vm_log "tiers part: $(elapsed "$t0") s"
	fi
	PREFIX=
}

# deep_tiers: each --all tier runs the tests whose "tiers=" leave it out
deep_tiers() {
	local saved_only=("${OPT_ONLY[@]}") tier names n tiers
	collect_tests
	for tier in swiotlb iommu debug; do
		names=()
		for n in "${T_NAMES[@]}"; do
			tiers=$(vmtest_opt "${T_SRC[$n]}" tiers)
			[ -n "$tiers" ] && ! [[ ",$tiers," == *",$tier,"* ]] &&
				names+=("$n")
		done
		[ ${#names[@]} -gt 0 ] || continue
		OPT_ONLY=("${names[@]}") PREFIX=tiers/$tier/
		if [ "$tier" = debug ]; then
			OPT_PLATFORM=pc
			use_debug_kernel
			TESTS_BUILT=0 VM_LABEL=tiers-debug
			guest_tests_on_current_kernel 1 2
		else
			OPT_PLATFORM=$tier
			use_debian_kernel
			TESTS_BUILT=0 VM_LABEL=tiers
			guest_tests_on_current_kernel 0 1
		fi
	done
	OPT_PLATFORM=pc VM_LABEL='' OPT_ONLY=("${saved_only[@]}")
}

deep_kcsan() {
	local names=() n pat log sum mine=0 other=0 t0 saved_only=("${OPT_ONLY[@]}")
	t0=$(now_s)
	use_debug_kernel kcsan
	vm_log "KCSAN kernel ready: $(elapsed "$t0") s"
	if [ ${#OPT_ONLY[@]} -eq 0 ]; then
		collect_tests
		for n in "${T_NAMES[@]}"; do
			for pat in "${DEEP_KCSAN_TESTS[@]}"; do
				# shellcheck disable=SC2053
				[[ $n == $pat ]] && { names+=("$n"); break; }
			done
		done
		OPT_ONLY=("${names[@]}")
	fi
	TESTS_BUILT=0 VM_LABEL=kcsan
	RUNNER_EXTRA=(--kcsan-module acceldev)
	guest_tests_on_current_kernel 0 3
	RUNNER_EXTRA=() VM_LABEL=''
	OPT_ONLY=("${saved_only[@]}")
	# every report, the driver's and the rest of the kernel's
	sum=$RUN_DIR/kcsan-reports.txt
	: >"$sum"
	for log in "$RUN_DIR"/kcsan-vm*/console.log; do
		[ -f "$log" ] || continue
		if ! grep -q 'kcsan: enabled early' "$log"; then
			record FAIL "enabled" "no 'kcsan: enabled early' in $log"
		fi
		echo "== $log" >>"$sum"
		"$PYTHON" "$VM_DIR/runner.py" kcsan --log "$log" --kcsan-module acceldev >>"$sum"
	done
	while read -r _ _ _ n _ m; do
		mine=$((mine + n)) other=$((other + m))
	done < <(grep '^total ' "$sum")
	if [ "$mine" -gt 0 ]; then
		record FAIL "data-races" "$mine KCSAN report(s) involving acceldev, $other elsewhere; list: $sum"
		grep '^mine ' "$sum" | sed 's/^/    | /' >&2
	else
		record PASS "data-races" "0 KCSAN reports involving acceldev, $other elsewhere in the kernel; list: $sum"
	fi
	[ "$other" -gt 0 ] && grep '^other ' "$sum" | sort | uniq | head -n 20 | sed 's/^/    | /' >&2
	return 0
}

deep_coverage() {
	local dir logf log i=0 infos=() out=$RUN_DIR/coverage saved_module=$OPT_MODULE lcov_rc
	lcov_rc=(--rc lcov_branch_coverage=1)
	use_debug_kernel kcsan
	if ! have_module_sources; then
		record SKIP "report" "no module sources"
		return 0
	fi
	dir=$(checkout_build_dir)/$KERNEL_ID/module-gcov
	logf=$dir.log
	rm -rf "$dir" "$out"
	mkdir -p "$out"
	copy_module_sources "$dir"
	if ! kbuild_module "$KERNEL_BUILD" "$dir" "$logf" \
		"building acceldev.ko with gcov for $KERNEL_ID" ACCELDEV_GCOV=1; then
		record FAIL "module-build" "log: $logf"
		return 0
	fi
	OPT_MODULE=$dir/acceldev.ko
	TESTS_BUILT=0 VM_LABEL=coverage VM_EXTRA_CONF="GCOV=1"
	RUNNER_EXTRA=(--append-extra "kcsan.early_enable=0")
	guest_tests_on_current_kernel 0 2
	RUNNER_EXTRA=() VM_LABEL='' VM_EXTRA_CONF=''
	OPT_MODULE=$saved_module
	# each VM's counters, captured on their own, then added up
	for log in "$RUN_DIR"/coverage-vm*/console.log; do
		[ -f "$log" ] || continue
		# its test powered the guest off: no dump (no counters of it)
		[ -f "$(dirname "$log")/after-poweroff" ] && continue
		i=$((i + 1))
		find "$dir" -name '*.gcda' -delete
		if ! "$PYTHON" "$VM_DIR/coverage.py" extract --log "$log" --under "$dir" >"$out/extract-$i.log" 2>&1; then
			record FAIL "gcda-vm$i" "no intact .gcda files in $log: $(tail -n 1 "$out/extract-$i.log")"
			continue
		fi
		lcov --quiet "${lcov_rc[@]}" --capture --directory "$dir" --base-directory "$dir" \
			--output-file "$out/vm$i.info" >>"$out/lcov.log" 2>&1 &&
			infos+=(--add-tracefile "$out/vm$i.info")
	done
	if [ ${#infos[@]} -eq 0 ]; then
		record FAIL "report" "no coverage data (log: $out/lcov.log)"
		return 0
	fi
	if ! lcov --quiet "${lcov_rc[@]}" "${infos[@]}" --output-file "$out/all.info" >>"$out/lcov.log" 2>&1 ||
		! lcov --quiet "${lcov_rc[@]}" --extract "$out/all.info" "$dir/core/*" "$dir/dispatch/*" \
			"$dir/mm/*" --output-file "$out/driver.info" >>"$out/lcov.log" 2>&1; then
		record FAIL "report" "lcov failed, log: $out/lcov.log"
		return 0
	fi
	genhtml --quiet --branch-coverage --prefix "$dir" --output-directory "$out/html" \
		"$out/driver.info" >>"$out/lcov.log" 2>&1 ||
		vm_warn "genhtml failed (log: $out/lcov.log)"
	"$PYTHON" "$VM_DIR/coverage.py" summary --info "$out/driver.info" --strip "$dir" >"$out/summary.txt"
	sed 's/^/    | /' "$out/summary.txt" | head -n 40 >&2
	record PASS "report" "$(awk '$1 == "total" { print "lines " $2 " (" $3 "), branches " $4 " (" $5 ")"; exit }' "$out/summary.txt"); $out/summary.txt, $out/html/index.html"
}

deep_trinity() {
	local d ko="" testdir stage bin secs=$DEEP_TRINITY_SECS log kmemleak=1
	bin=$(command -v trinity) || {
		record FAIL "run" "trinity is not installed (package trinity)"
		return 0
	}
	# (ACCELDEV_TRINITY_KERNEL=debian: on Debian's kernel instead, without
	# KASAN and the rest: a hundred times the system calls, no kmemleak)
	if [ "${ACCELDEV_TRINITY_KERNEL:-debug}" = debian ]; then
		use_debian_kernel
		kmemleak=0
	else
		use_debug_kernel
	fi
	if [ -n "$OPT_MODULE" ]; then
		ko=$OPT_MODULE
	elif build_module; then
		ko=$MODULE_KO
	else
		record FAIL "module-build" "log: $MODULE_BUILD_LOG"
		return 0
	fi
	userspace_or_fail
	d=$(checkout_build_dir)/trinity
	testdir=$d/tests
	stage=$d/stage
	rm -rf "$d"
	mkdir -p "$testdir" "$stage/usr/bin" "$stage/etc"
	sed -e "s|@SECS@|$secs|" -e "s|@SYSCALLS@|${DEEP_TRINITY_SYSCALLS[*]}|" \
		"$VM_DIR/deep/trinity.sh" >"$testdir/fuzz"
	cp "$VM_DIR/deep/device_still_works.sh" "$testdir/device_still_works"
	chmod 0755 "$testdir"/*
	# the timeouts (run_vm_groups reads them as a test's "// vmtest:" line)
	echo "// vmtest: timeout=$((secs + 120))" >"$d/fuzz.opts"
	echo "// vmtest: timeout=120" >"$d/device_still_works.opts"
	T_SRC["fuzz"]=$d/fuzz.opts
	T_SRC["device_still_works"]=$d/device_still_works.opts
	# trinity is a dynamically linked program: it, its libraries and the
	# loader; nobody, whom it runs as
	install -m 0755 "$bin" "$stage/usr/bin/trinity"
	copy_with_libs "$stage" "$bin"
	printf 'root:x:0:0:root:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n' >"$stage/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
	INITRAMFS_EXTRA=$stage
	run_vm_groups trinity "$testdir" "$ko" "$kmemleak" 2 fuzz device_still_works
	INITRAMFS_EXTRA=
	log=$RUN_DIR/trinity-vm1/console.log
	[ -f "$log" ] && grep -E '^trinity|^\[main\] Ran [0-9]+' "$log" | tail -n 8 | sed 's/^/    | /' >&2
	return 0
}
