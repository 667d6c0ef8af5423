# shellcheck shell=bash
# Builds for tools/vmtest: QEMU (through tools/qemu/build.sh), the module,
# test programs, initramfs. Sourced (needs lib.sh; $REPO $VM_DIR $CACHE).

QEMU_BIN=$CACHE/qemu/build/qemu-system-x86_64
QTEST_BIN=$CACHE/qemu/build/tests/qtest/acceldev-test

# build_qemu: run tools/qemu/build.sh unless its inputs are unchanged
build_qemu() {
	local stamp_file=$CACHE/qemu/.vmtest-stamp stamp
	[ -f "$REPO/tools/qemu/build.sh" ] ||
		die "tools/qemu/build.sh does not exist: no QEMU device model to build"
	fetch_qemu_tarball
	stamp=$( (
		cd "$REPO" && find tools/qemu -type f ! -name '*.md' -print0 | sort -z |
			xargs -0 sha256sum
		cd "$CACHE/downloads" && ls qemu_*.orig.tar.xz
	) | sha256sum | cut -c1-16)
	if [ -x "$QEMU_BIN" ] && [ -x "$QTEST_BIN" ] &&
		[ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	run_logged "$CACHE/logs/qemu-build.log" "building QEMU with the Acceldev model (tools/qemu/build.sh)" \
		sh "$REPO/tools/qemu/build.sh" "$CACHE" || {
		[ -f "$CACHE/qemu/build.log" ] && {
			echo "[vmtest] last lines of $CACHE/qemu/build.log:" >&2
			tail -n 30 "$CACHE/qemu/build.log" | sed 's/^/    | /' >&2
		}
		die "QEMU build failed"
	}
	[ -x "$QEMU_BIN" ] || die "tools/qemu/build.sh did not produce $QEMU_BIN"
	echo "$stamp" >"$stamp_file"
}

# Where module and test builds go: a folder of this run in the cache
# (they take seconds; concurrent runs, even from one checkout, never share
# a build folder). Per kernel below it.
checkout_build_dir() {
	echo "$RUN_DIR/build"
}

have_module_sources() { [ -f "$REPO/Kbuild" ]; }

# copy_module_sources DEST: Kbuild, core/, dispatch/, mm/, uapi/
copy_module_sources() {
	local dest=$1 d
	mkdir -p "$dest"
	cp "$REPO/Kbuild" "$dest/Kbuild"
	for d in core dispatch mm uapi; do
		if [ -d "$REPO/$d" ]; then
			rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
				"$REPO/$d/" "$dest/$d/"
		else
			rm -rf "${dest:?}/$d"
		fi
	done
}

# kbuild_module KERNEL_BUILD SRCDIR LOG DESC MAKEARGS...: make modules
kbuild_module() {
	local kb=$1 dir=$2 logf=$3 desc=$4
	shift 4
	run_logged "$logf" "$desc" \
		make -C "$kb" M="$dir" -j"${ACCELDEV_JOBS:-$(nproc)}" "$@" modules
}

# print_warnings LOG: show compiler/modpost/sparse warnings of a build;
# returns their count in WARN_COUNT
print_warnings() {
	local logf=$1
	WARN_COUNT=$(grep -cE '(warning|WARNING|error):' "$logf" || true)
	if [ "$WARN_COUNT" -gt 0 ]; then
		vm_warn "$WARN_COUNT warning(s) in $(basename "$logf"):"
		grep -E -A3 '(warning|WARNING|error):' "$logf" | head -n 60 | sed 's/^/    | /' >&2
	fi
}

# build_module: builds acceldev.ko for $KERNEL_BUILD/$KERNEL_ID with W=1;
# sets MODULE_KO and MODULE_WARNINGS. Returns non-zero on build failure.
build_module() {
	local dir logf
	dir=$(checkout_build_dir)/$KERNEL_ID/module
	logf=$(checkout_build_dir)/$KERNEL_ID/module-build.log
	MODULE_BUILD_LOG=$logf
	# built already in this run (--all: static checks, then tests)
	if [ -f "$dir/.built-ok" ] && [ -f "$dir/acceldev.ko" ]; then
		MODULE_KO=$dir/acceldev.ko
		MODULE_WARNINGS=$(cat "$dir/.built-ok")
		return 0
	fi
	copy_module_sources "$dir"
	MODULE_KO=
	MODULE_WARNINGS=0
	kbuild_module "$KERNEL_BUILD" "$dir" "$logf" "building acceldev.ko for $KERNEL_ID (W=1)" W=1 ||
		return 1
	print_warnings "$logf"
	MODULE_WARNINGS=$WARN_COUNT
	[ -f "$dir/acceldev.ko" ] || {
		vm_warn "the build produced no acceldev.ko (Kbuild must build obj-m += acceldev.o)"
		return 1
	}
	MODULE_KO=$dir/acceldev.ko
	echo "$MODULE_WARNINGS" >"$dir/.built-ok"
}

# build_selftest_module: the WARN_ON(1) module, for the bench's self-test
build_selftest_module() {
	local dir
	dir=$(checkout_build_dir)/$KERNEL_ID/selftest-warn
	mkdir -p "$dir"
	cp "$VM_DIR/selftest/warn/Kbuild" "$VM_DIR/selftest/warn/selftest_warn.c" "$dir/"
	kbuild_module "$KERNEL_BUILD" "$dir" "$dir/build.log" "building the self-test WARN module" ||
		return 1
	SELFTEST_WARN_KO=$dir/selftest_warn.ko
}

# ---- test programs ----------------------------------------------------

TEST_CFLAGS=(-static -O2 -Wall -Wextra -Werror -pthread)
# Other people's tests (--tests DIR) are compiled as their authors would:
# warnings shown, never -Werror; a header beside them is found (-I DIR).
OTHER_TEST_CFLAGS=(-static -O2 -pthread -Wall)
OTHER_TEST_DIRS=()

# vmtest_opt SRC KEY: value of KEY in the source's "// vmtest:" line
vmtest_opt() {
	sed -n 's|^[[:space:]]*//[[:space:]]*vmtest:[[:space:]]*||p' "$1" | head -n 1 |
		tr ' \t' '\n\n' | sed -n "s|^$2=||p" | head -n 1
}

# Tests of the user-space library and tools: linked with libacceldev.a
USER_TEST_DIRS=("$REPO/tools/lib/acceldev/tests" "$REPO/tools/acceldev/tests")

# build_userspace: libacceldev and the acceldev-* tools, static, once per
# run (tools/Makefile STATIC=1); sets USER_BUILD and GUEST_BIN_DIR (the
# tools, installed in the guest's /usr/bin). Returns non-zero on failure.
USER_BUILD=
GUEST_BIN_DIR=
build_userspace() {
	local dir
	dir=$(checkout_build_dir)/userspace
	[ -n "$USER_BUILD" ] && return 0
	[ -f "$REPO/tools/Makefile" ] || return 0
	run_logged "$dir.log" "building libacceldev and the tools (static)" \
		make -C "$REPO/tools" O="$dir" STATIC=1 -j"${ACCELDEV_JOBS:-$(nproc)}" ||
		return 1
	USER_BUILD=$dir
	GUEST_BIN_DIR=$dir/bin
}

# build_tests OUTDIR SRC...: compile each test; prints "name" of every
# test that failed to compile into OUTDIR/compile-failures. Tests in
# USER_TEST_DIRS also get libacceldev's header and static library.
build_tests() {
	local out=$1 jobs
	shift
	mkdir -p "$out"
	: >"$out/compile-failures"
	[ $# -gt 0 ] || return 0
	jobs=${ACCELDEV_JOBS:-$(nproc)}
	# the accel uAPI's "drm.h": the kernel's, from libdrm-dev
	local inc=(-I "$REPO/uapi" -I "$REPO/tools/testing/acceldev/include"
		-I /usr/include/libdrm)
	printf '%s\0' "$@" | OUT=$out CFLAGS_STR="${TEST_CFLAGS[*]} ${inc[*]}" \
		USER_DIRS="${USER_TEST_DIRS[*]}" USER_BUILD="$USER_BUILD" \
		USER_INC="$REPO/tools/lib/acceldev/include" \
		OTHER_DIRS="${OTHER_TEST_DIRS[*]}" \
		OTHER_CFLAGS="${OTHER_TEST_CFLAGS[*]} -I $REPO/uapi -I /usr/include/libdrm" \
		xargs -0 -n 1 -P "$jobs" bash -c '
			src=$1; name=$(basename "$src" .c)
			for d in $OTHER_DIRS; do
				[ "$(dirname "$src")" = "$d" ] || continue
				# shellcheck disable=SC2086
				gcc $OTHER_CFLAGS -I "$d" -o "$OUT/$name" "$src" >"$OUT/$name.log" 2>&1 ||
					echo "$name" >>"$OUT/compile-failures"
				exit 0
			done
			# "// vmtest: cflags=-m32,-DX": extra flags, comma-separated;
			# "libs=-ldrm": libraries, after the source (static linking)
			opt() {
				sed -n "s|^[[:space:]]*//[[:space:]]*vmtest:[[:space:]]*||p" "$src" |
					head -n 1 | tr " \t" "\n\n" | sed -n "s|^$1=||p" | head -n 1 | tr , " "
			}
			extra=$(opt cflags)
			lib=
			for d in $USER_DIRS; do
				[ "$(dirname "$src")" = "$d" ] &&
					extra="$extra -I $USER_INC" lib="$USER_BUILD/lib/libacceldev.a"
			done
			# shellcheck disable=SC2086
			if ! gcc $CFLAGS_STR $extra -o "$OUT/$name" "$src" $lib $(opt libs) >"$OUT/$name.log" 2>&1; then
				echo "$name" >>"$OUT/compile-failures"
			fi' _
}

# ---- kernel modules for the guest -------------------------------------

# Loaded in the guest before acceldev.ko: DRM (the accel front end's core,
# with the accel class) and vgem (a second DRM driver, whose dma-bufs and
# fences are the foreign ones of the accel tests); with their dependencies
# and those of acceldev.ko, from the kernel's own modules. A kernel that
# builds them in (the debug kernel) needs nothing loaded.
GUEST_KMODS=(drm vgem)
# Device nodes the tests share dma-bufs with, each checked in the guest
# when the kernel's .config has its option (=m also loads the module):
# "CONFIG_OPTION module /dev/node".
GUEST_KNODES=("CONFIG_DMABUF_HEAPS_SYSTEM - /dev/dma_heap/system"
	"CONFIG_UDMABUF udmabuf /dev/udmabuf")

# resolve_kmods OUT KO: for the current kernel ($KERNEL_MODDIR's
# modules.order and modules.builtin, $KERNEL_BUILD/.config), copies the
# modules GUEST_KMODS, GUEST_KNODES and KO need into OUT, uncompressed,
# and writes OUT/vmtest-kmods for the guest's init, dependencies first:
# "load NAME FILE", "builtin NAME", "missing NAME WHY", "node PATH".
resolve_kmods() {
	local out=$1 ko=$2 n rel opt mod node val want=() nodes=() list=$1/vmtest-kmods
	local -A path=() builtin=() seen=()
	rm -rf "$out"
	mkdir -p "$out"
	: >"$list"
	# module names: file names without .ko*, dashes as underscores
	if [ -f "$KERNEL_MODDIR/modules.order" ]; then
		while read -r rel; do
			n=${rel##*/}
			n=${n%%.ko*}
			path[${n//-/_}]=$rel
		done <"$KERNEL_MODDIR/modules.order"
	else
		vm_warn "$KERNEL_ID: no $KERNEL_MODDIR/modules.order"
	fi
	if [ -f "$KERNEL_MODDIR/modules.builtin" ]; then
		while read -r rel; do
			n=${rel##*/}
			n=${n%%.ko*}
			builtin[${n//-/_}]=1
		done <"$KERNEL_MODDIR/modules.builtin"
	fi
	want=("${GUEST_KMODS[@]}")
	for node in "${GUEST_KNODES[@]}"; do
		read -r opt mod node <<<"$node"
		val=$(sed -n "s/^$opt=//p" "$KERNEL_BUILD/.config" 2>/dev/null)
		case $val in
		y) nodes+=("$node") ;;
		m) want+=("$mod") && nodes+=("$node") ;;
		esac
	done
	# acceldev.ko's own dependencies (modpost's "depends", by name)
	for n in $(modinfo -F depends "$ko" 2>/dev/null | tr , ' '); do
		want+=("$n")
	done
	for n in "${want[@]}"; do
		kmod_visit "$n" || return 1
	done
	for node in "${nodes[@]}"; do
		echo "node $node" >>"$list"
	done
}

# kmod_visit NAME: resolve_kmods' depth-first walk (its locals in scope)
kmod_visit() {
	local n=$1 rel f d
	[ -n "${seen[$n]:-}" ] && return 0
	seen[$n]=1
	if [ -n "${builtin[$n]:-}" ]; then
		echo "builtin $n" >>"$list"
		return 0
	fi
	rel=${path[$n]:-}
	f=
	[ -n "$rel" ] && f=$(compgen -G "$KERNEL_MODDIR/$rel*" | head -n 1)
	if [ -z "$f" ]; then
		vm_warn "$KERNEL_ID has no kernel module $n (neither built in nor in $KERNEL_MODDIR)"
		echo "missing $n neither built into $KERNEL_ID nor one of its modules" >>"$list"
		return 0
	fi
	for d in $(modinfo -F depends "$f" | tr , ' '); do
		kmod_visit "$d" || return 1
	done
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -dc "$f" ;;
	*.gz) gzip -dc "$f" ;;
	*) cat "$f" ;;
	esac >"$out/$n.ko" || return 1
	echo "load $n /lib/modules/$n.ko" >>"$list"
}

# stage_kmods DEST KO: the modules of resolve_kmods into DEST/lib/modules
# (resolved once per run, kernel and set of acceldev.ko's dependencies)
stage_kmods() {
	local dest=$1 ko=$2 dir
	dir=$RUN_DIR/kmods/$KERNEL_ID-$( (printf '%s\n' "${GUEST_KMODS[@]}" "${GUEST_KNODES[@]}"
		modinfo -F depends "$ko" 2>/dev/null) | sha256sum | cut -c1-16)
	if [ ! -f "$dir/.done" ]; then
		resolve_kmods "$dir" "$ko" || die "cannot stage the kernel modules of $KERNEL_ID"
		touch "$dir/.done"
	fi
	mkdir -p "$dest/lib/modules"
	cp "$dir"/vmtest-kmods "$dest/lib/modules/"
	compgen -G "$dir/*.ko" >/dev/null && cp "$dir"/*.ko "$dest/lib/modules/"
	return 0
}

# ---- initramfs --------------------------------------------------------

# make_initramfs OUT CONF TESTDIR LIST [MODULE_KO] [EXTRA_KO...]
#   CONF: text of /vmtest.conf; LIST: 'name timeout' lines
make_initramfs() {
	local out=$1 conf=$2 testdir=$3 list=$4 ko=${5:-} stage name
	shift 4
	[ $# -gt 0 ] && shift
	stage=$out.d
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,run,tests,selftest,etc}
	install -m 0755 "$BUSYBOX" "$stage/bin/busybox"
	# applet links made here rather than by "busybox --install" in the
	# guest (hundreds of syscalls: seconds on the debug kernel under TCG)
	mkdir -p "$stage/usr/bin" "$stage/usr/sbin"
	"$BUSYBOX" --list-full | while read -r name; do
		case $name in
		*/*) [ -e "$stage/$name" ] || ln -s /bin/busybox "$stage/$name" ;;
		esac
	done
	install -m 0755 "$VM_DIR/init" "$stage/init"
	install -m 0755 "$VM_DIR/vmtest-monitor" "$stage/bin/vmtest-monitor"
	# the acceldev-* tools (build_userspace), for tests and the demo
	if [ -n "$GUEST_BIN_DIR" ]; then
		install -m 0755 "$GUEST_BIN_DIR"/* "$stage/usr/bin/"
	fi
	printf '%s\n' "$conf" >"$stage/vmtest.conf"
	printf '%s\n' "$list" >"$stage/tests/list"
	while read -r name _; do
		[ -n "$name" ] || continue
		install -m 0755 "$testdir/$name" "$stage/tests/$name"
	done <<<"$list"
	if [ -n "$ko" ]; then
		install -m 0644 "$ko" "$stage/acceldev.ko"
		stage_kmods "$stage" "$ko"
	fi
	for ko in "$@"; do
		install -m 0644 "$ko" "$stage/selftest/"
	done
	echo "root:x:0:0:root:/tmp:/bin/sh" >"$stage/etc/passwd"
	# a tree to add (the onnx group: shared libraries, ONNX Runtime, models)
	if [ -n "${INITRAMFS_EXTRA:-}" ]; then
		cp -a "$INITRAMFS_EXTRA/." "$stage/"
	fi
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --quiet -o -0 -H newc -R 0:0) >"$out"
	rm -rf "$stage"
}
