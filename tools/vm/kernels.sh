# shellcheck shell=bash
# Guest kernels: Debian's 6.12 image + headers (extracted, not installed)
# and the cached debug build from linux-source-6.12.
# Sourced by tools/vmtest (needs lib.sh, deps.sh and $CACHE, $VM_DIR).

# prepare_debian_kernel: sets KERNEL_IMAGE, KERNEL_BUILD, KERNEL_ID and
# KERNEL_MODDIR (its modules.order, modules.builtin and .ko.xz files)
prepare_debian_kernel() {
	local dir root hdr d
	fetch_kernel_debs
	dir=$CACHE/kernel/debian-$KVER_PKG
	root=$dir/root
	hdr=$root/usr/src/linux-headers-$KVER_PKG
	if [ ! -f "$dir/.ready" ]; then
		vm_log "extracting Debian kernel $KVER_PKG into $dir"
		rm -rf "$dir"
		mkdir -p "$root"
		for d in "linux-image-$KVER_PKG" "linux-headers-$KVER_PKG" \
			"linux-headers-$KVER_ABI-common" "linux-kbuild-$KVER_ABI"; do
			compgen -G "$CACHE/downloads/${d}_${KVER_DEB}_*.deb" >/dev/null ||
				die "missing $d .deb in $CACHE/downloads"
			dpkg -x "$(compgen -G "$CACHE/downloads/${d}_${KVER_DEB}_*.deb" | head -n 1)" "$root"
		done
		# (scripts/ and tools/ are relative links into usr/lib/linux-kbuild-*
		# and resolve inside the extracted tree as they are.)
		[ -e "$hdr/scripts/Makefile.build" ] ||
			die "extracted headers: $hdr/scripts does not resolve to the kbuild package"
		touch "$dir/.ready"
	fi
	# The arch headers' Makefile includes the -common tree's Makefile by
	# absolute path (/usr/src/... as packaged): point it into the cache,
	# and again whenever the cache folder moved or is reached by another
	# path.
	if ! grep -q "^include $root/usr/src/" "$hdr/Makefile"; then
		sed -i "s|^include .*/usr/src/linux-headers-|include $root/usr/src/linux-headers-|" \
			"$hdr/Makefile"
		grep -q "^include $root/usr/src/" "$hdr/Makefile" ||
			die "extracted headers: unexpected $hdr/Makefile"
	fi
	KERNEL_IMAGE=$root/boot/vmlinuz-$KVER_PKG
	KERNEL_BUILD=$hdr
	KERNEL_MODDIR=$root/lib/modules/$KVER_PKG
	KERNEL_ID=debian-$KVER_PKG
	KERNEL_FLAVOR=debian
	[ -f "$KERNEL_IMAGE" ] || die "no kernel image at $KERNEL_IMAGE"
}

# The instrumented kernels' configurations: `make $DEBUG_KERNEL_BASE`, then
# a flavour's fragments in order, then olddefconfig. All of them make the
# cache key. "debug": lockdep, KASAN, kmemleak, UBSAN, fault injection (the
# debug tier); "kcsan": the data-race detector, which excludes KASAN, gcov
# support and fault injection (tools/vmtest --deep).
DEBUG_KERNEL_BASE=allnoconfig
DEBUG_KERNEL_FRAGMENTS=(debug-kernel-base.config debug-kernel.config)
KCSAN_KERNEL_FRAGMENTS=(debug-kernel-base.config kcsan-kernel.config)

# kernel_fragments FLAVOR: the fragments' names, one a line
kernel_fragments() {
	case $1 in
	debug) printf '%s\n' "${DEBUG_KERNEL_FRAGMENTS[@]}" ;;
	kcsan) printf '%s\n' "${KCSAN_KERNEL_FRAGMENTS[@]}" ;;
	*) die "no kernel flavour $1" ;;
	esac
}

# debug_kernel_dir [FLAVOR]: the cache folder of that build (default debug)
debug_kernel_dir() {
	local flavor=${1:-debug} f files=()
	resolve_kernel
	for f in $(kernel_fragments "$flavor"); do files+=("$VM_DIR/$f"); done
	echo "$CACHE/kernel/$flavor-$KVER_DEB-$(hash_of <(echo "$DEBUG_KERNEL_BASE") "${files[@]}")"
}

# build_debug_kernel [FLAVOR]: builds once (cached), sets KERNEL_IMAGE,
# KERNEL_BUILD, KERNEL_MODDIR, KERNEL_ID, KERNEL_FLAVOR
build_debug_kernel() {
	local flavor=${1:-debug} dir src jobs t0 tarball f opt val got list frags missing=()
	local fragnames
	mapfile -t fragnames < <(kernel_fragments "$flavor")
	fetch_kernel_source
	dir=$(debug_kernel_dir "$flavor")
	src=$dir/linux
	KERNEL_IMAGE=$src/arch/x86/boot/bzImage
	KERNEL_BUILD=$src
	KERNEL_MODDIR=$src
	KERNEL_ID=$flavor-${dir##*/"$flavor"-}
	KERNEL_FLAVOR=$flavor
	[ -f "$dir/.ready" ] && return 0
	jobs=${ACCELDEV_JOBS:-$(nproc)}
	t0=$(now_s)
	if [ -f "$dir/.configured" ] && [ -f "$src/.config" ]; then
		# an earlier build was interrupted: make carries on from there
		vm_log "resuming the $flavor kernel build in $dir"
		debug_kernel_make "$dir" "$src" "$jobs" "$t0" "$flavor"
		return 0
	fi
	vm_log "building the $flavor kernel in $dir (once; 5-15 min on 2 cores)"
	rm -rf "$dir"
	mkdir -p "$dir/x"
	dpkg -x "$(compgen -G "$CACHE/downloads/linux-source-6.12_${KVER_DEB}_*.deb" | head -n 1)" "$dir/x"
	tarball=$(compgen -G "$dir/x/usr/src/linux-source-6.12*.tar.*" | head -n 1) ||
		die "linux-source package holds no tarball"
	tar -C "$dir" -xf "$tarball"
	mv "$dir"/linux-source-6.12* "$src"
	rm -rf "$dir/x"
	frags=()
	for f in "${fragnames[@]}"; do
		cp "$VM_DIR/$f" "$dir/$f"
		frags+=("$dir/$f")
	done
	(
		cd "$src"
		make -s "$DEBUG_KERNEL_BASE"
		./scripts/kconfig/merge_config.sh -m .config "${frags[@]}"
		make -s olddefconfig
	) >"$dir/config.log" 2>&1 || {
		tail -n 30 "$dir/config.log" >&2
		die "$flavor kernel configuration failed (log: $dir/config.log)"
	}
	# Every option of the fragments must have survived olddefconfig (a
	# dropped debug option would make the debug tier check less than it
	# says): the later fragment wins for an option set in both.
	declare -A want=()
	for f in "${frags[@]}"; do
		while IFS='=' read -r opt val; do
			case $opt in CONFIG_*) want[$opt]=$val ;; esac
		done <"$f"
	done
	for opt in "${!want[@]}"; do
		val=${want[$opt]}
		got=$(grep "^$opt=" "$src/.config" | cut -d= -f2-) || true
		if [ "$val" = n ]; then
			[ -z "$got" ] && continue
		else
			[ "$got" = "$val" ] && continue
		fi
		missing+=("$opt=$val (got ${got:-unset})")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		printf -v list '%s; ' "${missing[@]}"
		die "$flavor kernel: olddefconfig did not keep ${#missing[@]} option(s) of ${fragnames[*]} (unmet dependencies? see $src/.config): ${list%; }"
	fi
	touch "$dir/.configured"
	debug_kernel_make "$dir" "$src" "$jobs" "$t0" "$flavor"
}

debug_kernel_make() {
	local dir=$1 src=$2 jobs=$3 t0=$4 flavor=$5
	# (`times` last: the CPU time of make and its children, for the log)
	# shellcheck disable=SC2016
	run_logged "$dir/build.log" "make -j$jobs bzImage modules ($flavor kernel)" \
		nice -n 10 bash -c 'make -C "$1" -j"$2" bzImage modules && times' _ "$src" "$jobs" ||
		die "$flavor kernel build failed (log: $dir/build.log)"
	[ -f "$src/Module.symvers" ] || cp "$src/vmlinux.symvers" "$src/Module.symvers"
	[ -f "$src/arch/x86/boot/bzImage" ] || die "$flavor kernel build made no bzImage"
	touch "$dir/.ready"
	vm_log "$flavor kernel built in $(elapsed "$t0") s (CPU user, sys of make: $(tail -n 1 "$dir/build.log"))"
}
