# shellcheck shell=bash
# ONNX Runtime for the "onnx" test group (tools/onnx): pinned npm
# packages, fetched once with `npm pack` (no install scripts run), checked
# against npm's integrity (sha512) and unpacked into the cache.
# Sourced by tools/vmtest (needs lib.sh and $CACHE).

# name@version and the registry's dist.integrity of each tarball
ORT_RUNTIME_PKG=onnxruntime-node@1.30.0
ORT_RUNTIME_SHA512=twhs1C2C/BFkz1yc5OY0KIU2GUq6DURO7hD4bx5Q2Qy3nAMJwRXW8xU3NVczE29VA9lolLOYepoD8fjTGOfIqw==
ORT_HEADERS_PKG=com.github.asus4.onnxruntime@0.4.9
ORT_HEADERS_SHA512=BkzxduSZ9IkeDP6Q8lz2TFU2ie7hSSvS7ZIfzMooExoq0CNzJnuuGaUJ7IsojBgqO4ouD1jXah8OYyJbCN29Fg==

# Set by fetch_onnxruntime: folders holding the C headers and the runtime
ORT_INCLUDE=
ORT_LIBDIR=

# npm_tarball PKG@VER SHA512: path of the verified tarball in the cache
npm_tarball() {
	local spec=$1 want=$2 name ver file got
	name=${spec%@*}
	ver=${spec##*@}
	file=$CACHE/downloads/npm/$name-$ver.tgz
	if [ ! -f "$file" ]; then
		command -v npm >/dev/null || die "npm not found (needed for $spec)"
		mkdir -p "$CACHE/downloads/npm"
		run_logged "$CACHE/logs/npm-$name.log" "downloading $spec (npm pack)" \
			npm pack --silent --ignore-scripts --pack-destination "$CACHE/downloads/npm" "$spec" ||
			die "npm pack $spec failed"
		[ -f "$file" ] || die "npm pack $spec did not produce $file"
	fi
	# npm's integrity is "sha512-" + base64 of the binary digest
	got=$("${PYTHON:-/usr/bin/python3}" -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$file")
	if [ "$got" != "$want" ]; then
		rm -f "$file"
		die "$file: sha512 $got is not the pinned $want (deleted)"
	fi
	echo "$file"
}

# fetch_onnxruntime: headers and libonnxruntime.so.1 under
# $CACHE/onnxruntime/<version>/{include,lib}; sets ORT_INCLUDE, ORT_LIBDIR
fetch_onnxruntime() {
	local dir=$CACHE/onnxruntime tgz
	ORT_INCLUDE=$dir/${ORT_HEADERS_PKG##*@}/include
	ORT_LIBDIR=$dir/${ORT_RUNTIME_PKG##*@}/lib
	if [ ! -f "$ORT_INCLUDE/onnxruntime_ep_c_api.h" ]; then
		tgz=$(npm_tarball "$ORT_HEADERS_PKG" "$ORT_HEADERS_SHA512")
		vm_log "extracting the ONNX Runtime C headers from $(basename "$tgz")"
		rm -rf "$ORT_INCLUDE.tmp"
		mkdir -p "$ORT_INCLUDE.tmp"
		# one platform's copy: the headers are the same in every slice
		tar -xzf "$tgz" -C "$ORT_INCLUDE.tmp" --wildcards --strip-components=7 \
			'package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64_x86_64-simulator/onnxruntime.framework/Headers/*.h' ||
			die "no headers in $tgz"
		grep -q 'define ORT_API_VERSION 29' "$ORT_INCLUDE.tmp/onnxruntime_c_api.h" ||
			die "$tgz: onnxruntime_c_api.h is not ORT_API_VERSION 29"
		rm -rf "$ORT_INCLUDE"
		mv "$ORT_INCLUDE.tmp" "$ORT_INCLUDE"
	fi
	if [ ! -f "$ORT_LIBDIR/libonnxruntime.so.1" ]; then
		tgz=$(npm_tarball "$ORT_RUNTIME_PKG" "$ORT_RUNTIME_SHA512")
		vm_log "extracting libonnxruntime.so.1 (linux x64) from $(basename "$tgz")"
		rm -rf "$ORT_LIBDIR.tmp"
		mkdir -p "$ORT_LIBDIR.tmp"
		tar -xzf "$tgz" -C "$ORT_LIBDIR.tmp" --strip-components=5 \
			package/bin/napi-v6/linux/x64/libonnxruntime.so.1 ||
			die "no libonnxruntime.so.1 in $tgz"
		rm -rf "$ORT_LIBDIR"
		mv "$ORT_LIBDIR.tmp" "$ORT_LIBDIR"
	fi
}

# ---- the "onnx" group (tools/vmtest --onnx) ----------------------------

ONNX_DIR=$REPO/tools/onnx
ONNX_TESTDATA=/usr/share/libonnx-testdata/data/node

# build_onnx OUT: the EP and acceldev-onnx, dynamic, against the fetched
# ONNX Runtime (make -C tools ... onnx); sets ONNX_BUILD
build_onnx() {
	ONNX_BUILD=$1
	run_logged "$ONNX_BUILD.log" "building libacceldev_ep.so and acceldev-onnx" \
		make -C "$REPO/tools" O="$ONNX_BUILD" ORT_INCLUDE="$ORT_INCLUDE" \
		ORT_LIBDIR="$ORT_LIBDIR" -j"${ACCELDEV_JOBS:-$(nproc)}" onnx
}

# copy_with_libs STAGE FILE...: the shared libraries FILEs need (ldd),
# and the dynamic loader, at their own paths inside STAGE
copy_with_libs() {
	local stage=$1 lib
	shift
	for lib in $(ldd "$@" | awk '/:$/ { next } $2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		sort -u); do
		case $lib in
		*/libonnxruntime.so.1) continue ;;	# installed in /usr/lib by the caller
		esac
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# stage_onnx STAGE: the tree added to the initramfs: glibc's shared
# libraries, libonnxruntime.so.1, the EP, the tool, the models built by
# tools/onnx/tests/make_models.py (python3-onnx) and Debian's backend
# node tests of ConstantOfShape, Expand and EyeLike
stage_onnx() {
	local stage=$1 d
	rm -rf "$stage"
	mkdir -p "$stage/usr/lib" "$stage/usr/bin" "$stage/onnx/testdata"
	install -m 0755 "$ORT_LIBDIR/libonnxruntime.so.1" "$stage/usr/lib/"
	install -m 0755 "$ONNX_BUILD/lib/libacceldev_ep.so" "$stage/usr/lib/"
	install -m 0755 "$ONNX_BUILD/bin/acceldev-onnx" "$ONNX_BUILD/bin/acceldev-ep-example" \
		"$ONNX_BUILD/bin/acceldev-ep-example-cxx" "$stage/usr/bin/"
	# ONNX Runtime's start-up (its telemetry) runs `blkid; hostname`
	# through sh and looks for a CA bundle; a guest without them gets
	# "sh: blkid: not found" and "No readable CA bundle was found" on
	# every run. Debian's own (util-linux, ca-certificates) go in.
	mkdir -p "$stage/usr/sbin" "$stage/etc/ssl/certs"
	install -m 0755 /usr/sbin/blkid "$stage/usr/sbin/"
	install -m 0644 /etc/ssl/certs/ca-certificates.crt "$stage/etc/ssl/certs/"
	copy_with_libs "$stage" "$ORT_LIBDIR/libonnxruntime.so.1" "$ONNX_BUILD/bin/acceldev-onnx" \
		"$ONNX_BUILD/lib/libacceldev_ep.so" "$ONNX_BUILD/bin/acceldev-ep-example-cxx" \
		/usr/sbin/blkid
	install -m 0644 "$ONNX_DIR/tests/testlib.sh" "$stage/onnx/testlib.sh"
	run_logged "$stage.models.log" "building the test models (python3-onnx)" \
		"$PYTHON" "$ONNX_DIR/tests/make_models.py" "$stage/onnx/models" || return 1
	for d in "$ONNX_TESTDATA"/test_constantofshape_* "$ONNX_TESTDATA"/test_expand_* \
		"$ONNX_TESTDATA"/test_eyelike_*; do
		[ -d "$d" ] && cp -r "$d" "$stage/onnx/testdata/"
	done
	return 0
}

# onnx_prepare BUILD_RESULT MODELS_RESULT: ONNX Runtime fetched, the EP
# and the tool built, the initramfs tree staged; a failure is recorded as
# FAIL BUILD_RESULT or MODELS_RESULT and returns non-zero
onnx_prepare() {
	fetch_onnxruntime
	build_onnx "$(checkout_build_dir)/onnx" ||
		{ record FAIL "$1" "build failed, log: $(checkout_build_dir)/onnx.log"; return 1; }
	stage_onnx "$(checkout_build_dir)/onnx-stage" ||
		{ record FAIL "$2" "make_models.py failed"; return 1; }
}

# demo_onnx KO: the ONNX Runtime half of --demo (tools/onnx/demo.sh), in
# one VM with its console shown; one result, onnx-demo
demo_onnx() {
	local ko=$1 testdir
	onnx_prepare onnx-demo onnx-demo || return 0
	testdir=$(checkout_build_dir)/onnx-demo
	mkdir -p "$testdir"
	install -m 0755 "$ONNX_DIR/demo.sh" "$testdir/onnx-demo"
	T_SRC["onnx-demo"]=$ONNX_DIR/demo.sh
	vm_log "booting the ONNX Runtime demo VM (Debian kernel, 2 devices)"
	# shellcheck disable=SC2034
	INITRAMFS_EXTRA=$(checkout_build_dir)/onnx-stage
	# the guest's own output only: the boot and the kernel's lines stay
	# in the console log, which run_vm_groups names
	OPT_VERBOSE=1 QUIET_BOOT=1 run_vm_groups onnx-demo "$testdir" "$ko" 0 1 onnx-demo
	# shellcheck disable=SC2034
	INITRAMFS_EXTRA=''
}

# ---- the host side of the group: results onnx-host/NAME -------------------

# Built with these into <run>/build/onnx-host; any report stops the
# program (-fno-sanitize-recover) with its own exit status, and the log
# is searched for reports too (a test expecting exit 1 must not take an
# AddressSanitizer exit for its own).
ONNX_SAN_FLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
ONNX_SAN_REPORT='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'

# onnx_host_env: the sanitizers' settings; ONNX Runtime's own leaks at
# exit (it is not ours to fix) are suppressed by library name
onnx_host_env() {
	local supp=$1
	printf 'leak:libonnxruntime.so.1\n' >"$supp"
	echo "ASAN_OPTIONS=exitcode=86:abort_on_error=0:detect_leaks=1"
	echo "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87"
	echo "LSAN_OPTIONS=suppressions=$supp:print_suppressions=0"
}

# onnx_host_run NAME LOG CMD...: run CMD (in its own folder) with the
# sanitizers' settings; PASS when it exits 0 and its log has no report
onnx_host_run() {
	local name=$1 logf=$2 rc=0 dir
	shift 2
	dir=$(dirname "$logf")/$name.d
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && env "${ONNX_HOST_ENV[@]}" timeout 600 "$@") >"$logf" 2>&1 </dev/null || rc=$?
	if grep -qE "$ONNX_SAN_REPORT" "$logf"; then
		record FAIL "$name" "sanitizer report, log: $logf"
		grep -E -m 3 "$ONNX_SAN_REPORT" "$logf" | sed 's/^/    | /' >&2
	elif [ "$rc" -ne 0 ]; then
		record FAIL "$name" "exit $rc, log: $logf"
		grep -E -m 10 '^FAIL' "$logf" | sed 's/^/    | /' >&2
	else
		record PASS "$name" "$(tail -n 1 "$logf")"
	fi
}

# onnx_host_wanted NAME: true when --only is not given or names NAME
onnx_host_wanted() {
	local o
	[ ${#OPT_ONLY[@]} -eq 0 ] && return 0
	for o in "${OPT_ONLY[@]}"; do
		[ "$o" = "$1" ] && return 0
	done
	return 1
}

# main_onnx_host: without a device, in simulation (the EP's virtual
# device), built with AddressSanitizer and UndefinedBehaviorSanitizer:
# tensorproto-test (the .pb reader on malformed input), then each
# tests/onnx_*.sh whose "// vmtest:" line says host=sim. Needs
# onnx_prepare's staged models.
main_onnx_host() {
	local build dir logs src name
	build=$(checkout_build_dir)/onnx-host
	logs=$RUN_DIR/onnx-host
	mkdir -p "$logs"
	PREFIX=onnx-host/
	if ! run_logged "$build.log" "building the EP and acceldev-onnx with ASan and UBSan" \
		make -C "$REPO/tools" O="$build" CC=gcc CFLAGS="$ONNX_SAN_FLAGS" \
		LDFLAGS="-fsanitize=address,undefined" ORT_INCLUDE="$ORT_INCLUDE" \
		ORT_LIBDIR="$ORT_LIBDIR" -j"${ACCELDEV_JOBS:-$(nproc)}" onnx onnx-host-tests; then
		record FAIL build "log: $build.log"
		PREFIX=''
		return 0
	fi
	mapfile -t ONNX_HOST_ENV < <(onnx_host_env "$logs/lsan.supp")
	dir=$(checkout_build_dir)/onnx-stage/onnx
	onnx_host_wanted tensorproto &&
		onnx_host_run tensorproto "$logs/tensorproto.log" "$build/bin/tensorproto-test"
	for src in "$ONNX_DIR"/tests/onnx_*.sh; do
		name=$(basename "$src" .sh)
		[ "$(vmtest_opt "$src" host)" = sim ] || continue
		onnx_host_wanted "$name" || continue
		onnx_host_run "$name" "$logs/$name.log" env ONNX_DATA="$dir" \
			ONNX_TESTLIB="$dir/testlib.sh" ACCELDEV_ONNX="$build/bin/acceldev-onnx" \
			ACCELDEV_EP_LIB="$build/lib/libacceldev_ep.so" ONNX_SIMULATE=1 sh "$src"
	done
	PREFIX=''
}

# main_onnx: the onnx group: the host side (main_onnx_host), then
# tools/onnx/tests/onnx_*.sh in one VM
main_onnx() {
	local ko="" testdir name src names=()
	use_debian_kernel
	if [ -n "$OPT_MODULE" ]; then
		ko=$OPT_MODULE
	elif have_module_sources && build_module; then
		ko=$MODULE_KO
	fi
	[ -n "$ko" ] || { record FAIL "onnx/module" "no acceldev.ko"; return 0; }
	userspace_or_fail
	onnx_prepare onnx/build onnx/models || return 0
	main_onnx_host
	testdir=$(checkout_build_dir)/onnx-tests
	mkdir -p "$testdir"
	T_SRC=()
	for src in "$ONNX_DIR"/tests/onnx_*.sh; do
		name=$(basename "$src" .sh)
		install -m 0755 "$src" "$testdir/$name"
		# shellcheck disable=SC2004
		T_SRC[$name]=$src
		names+=("$name")
	done
	# tools/onnx/measure.sh: the README's measurements, only when named
	install -m 0755 "$ONNX_DIR/measure.sh" "$testdir/onnx_measure"
	T_SRC[onnx_measure]=$ONNX_DIR/measure.sh
	if [ ${#OPT_ONLY[@]} -gt 0 ]; then
		names=()
		for name in "${OPT_ONLY[@]}"; do
			[ "$name" = tensorproto ] && continue	# host side only
			[ -n "${T_SRC[$name]:-}" ] || die "--only: no onnx test named $name"
			names+=("$name")
		done
		[ ${#names[@]} -gt 0 ] || return 0
	fi
	# both read by run_vm_groups / make_initramfs (build.sh, vmtest)
	# shellcheck disable=SC2034
	PREFIX=onnx/
	INITRAMFS_EXTRA=$(checkout_build_dir)/onnx-stage
	run_vm_groups onnx "$testdir" "$ko" 0 1 "${names[@]}"
	# shellcheck disable=SC2034
	INITRAMFS_EXTRA='' PREFIX=''
}
