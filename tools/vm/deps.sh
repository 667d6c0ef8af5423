# shellcheck shell=bash
# Host setup: extra apt sources, build dependencies, downloads.
# Sourced by tools/vmtest (needs lib.sh and $CACHE).

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# Packages from the release itself. dwarves: pahole, which Debian's
# headers run for BTF on every module; gcc-multilib: 32-bit (compat) tests;
# dkms: the packaging check (a private DKMS tree, nothing system-wide);
# libonnx-testdata, python3-onnx: the ONNX tests (tools/onnx);
# ca-certificates (and util-linux's blkid): what ONNX Runtime looks for in
# the guest at start-up (tools/vm/onnx.sh, stage_onnx); libdrm-dev: the
# accel node's tests link Debian's libdrm statically (libdrm.a,
# "// vmtest: libs=-ldrm"); lcov, trinity: tools/vmtest --deep (the
# coverage report; the fuzzer, copied into the guest).
DEPS_MAIN=(build-essential gcc make libc6-dev ninja-build libglib2.0-dev
	libpixman-1-dev libfdt-dev flex bison pkg-config python3 python3-venv
	bzip2 xz-utils busybox-static seabios qemu-system-data cpio libelf-dev
	libssl-dev bc sparse dpkg-dev rsync kmod perl util-linux
	dwarves gcc-multilib dkms
	libonnx-testdata python3-onnx ca-certificates libdrm-dev
	lcov trinity)
# Packages that must come from <codename>-backports (meson >= 1.5).
DEPS_BACKPORTS=(meson python3-pycotap)

EXTRA_SOURCES=/etc/apt/sources.list.d/acceldev-extra.sources
APT_UPDATED=0

os_codename() {
	local c=""
	# shellcheck disable=SC1091
	[ -r /etc/os-release ] && c=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$c" ] || die "cannot tell the Debian codename from /etc/os-release"
	echo "$c"
}

# Print "URIS|COMPONENTS|SIGNED_BY" of the machine's main Debian archive
# entry (the one listing suite <codename>), from deb822 .sources files or
# from one-line sources.list entries.
main_archive_entry() {
	local codename=$1 f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		[ "$f" = "$EXTRA_SOURCES" ] && continue
		awk -v cn="$codename" '
		function flush() {
			if (suites_ok && uris != "") { print uris "|" comps "|" signed; found = 1; exit }
			uris = ""; comps = ""; signed = ""; suites_ok = 0
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
		/^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
		/^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); signed = $0 }
		/^Suites:/ { n = split($0, s, /[ \t]+/); for (i = 2; i <= n; i++) if (s[i] == cn) suites_ok = 1 }
		END { if (!found) flush() }' "$f" | head -n 1 | grep . && return 0
	done
	# one-line format: deb [signed-by=...] URI codename components...
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		awk -v cn="$codename" '
		$1 == "deb" {
			signed = ""; i = 2
			if ($2 ~ /^\[/) {
				while (i <= NF) { if ($i ~ /signed-by=/) { s = $i; sub(/.*signed-by=/, "", s); sub(/\]$/, "", s); signed = s }
					if ($i ~ /\]$/) { i++; break } i++ }
			}
			if ($(i + 1) == cn) { comps = ""; for (j = i + 2; j <= NF; j++) comps = comps (comps ? " " : "") $j
				print $i "|" comps "|" signed; exit }
		}' "$f" | grep . && return 0
	done
	return 1
}

setup_apt_sources() {
	local codename entry uris comps signed want tmp
	codename=$(os_codename)
	entry=$(main_archive_entry "$codename") ||
		die "no apt source for suite '$codename' found in /etc/apt (cannot derive backports/deb-src entries)"
	IFS='|' read -r uris comps signed <<<"$entry"
	[ -n "$comps" ] || comps=main
	want="# Written by acceldev tools/vmtest: $codename-backports and source packages,
# derived from the machine's own Debian archive entry.
Types: deb deb-src
URIs: $uris
Suites: $codename-backports
Components: $comps
${signed:+Signed-By: $signed
}
Types: deb-src
URIs: $uris
Suites: $codename
Components: $comps
${signed:+Signed-By: $signed
}"
	# Accept an existing file that already provides the same entries
	# (compare without comments and blank lines).
	if [ -f "$EXTRA_SOURCES" ] &&
		diff -q <(grep -v -e '^#' -e '^[[:space:]]*$' "$EXTRA_SOURCES") \
			<(printf '%s\n' "$want" | grep -v -e '^#' -e '^[[:space:]]*$') >/dev/null; then
		return 0
	fi
	vm_log "writing $EXTRA_SOURCES ($codename-backports, deb-src)"
	tmp=$(mktemp)
	printf '%s\n' "$want" >"$tmp"
	as_root install -m 0644 "$tmp" "$EXTRA_SOURCES"
	rm -f "$tmp"
	APT_NEED_UPDATE=1
}

apt_update() {
	[ "$APT_UPDATED" = 1 ] && return 0
	run_logged "$CACHE/logs/apt-update.log" "apt-get update" as_root apt-get -q update
	APT_UPDATED=1
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

install_deps() {
	local missing=() missing_bp=() p codename ver
	APT_NEED_UPDATE=0
	setup_apt_sources
	codename=$(os_codename)
	for p in "${DEPS_MAIN[@]}"; do
		pkg_installed "$p" || missing+=("$p")
	done
	for p in "${DEPS_BACKPORTS[@]}"; do
		pkg_installed "$p" || missing_bp+=("$p")
	done
	if pkg_installed meson; then
		ver=$(dpkg-query -W -f='${Version}' meson)
		dpkg --compare-versions "$ver" ge 1.5 || missing_bp+=(meson)
	fi
	if [ ${#missing[@]} -eq 0 ] && [ ${#missing_bp[@]} -eq 0 ]; then
		[ "$APT_NEED_UPDATE" = 1 ] && apt_update
		return 0
	fi
	apt_update
	if [ ${#missing[@]} -gt 0 ]; then
		run_logged "$CACHE/logs/apt-install.log" "installing ${missing[*]}" \
			as_root apt-get "${APT_OPTS[@]}" install --no-install-recommends "${missing[@]}"
	fi
	if [ ${#missing_bp[@]} -gt 0 ]; then
		run_logged "$CACHE/logs/apt-install-backports.log" "installing ${missing_bp[*]} from $codename-backports" \
			as_root apt-get "${APT_OPTS[@]}" install --no-install-recommends \
			-t "$codename-backports" "${missing_bp[@]}"
	fi
}

# ---- downloads -------------------------------------------------------

# resolve_kernel: set KVER_PKG (e.g. 6.12.117+deb12-amd64), KVER_DEB
# (Debian version, e.g. 6.12.117-1~deb12u1) and KVER_ABI (6.12.117+deb12)
# from the linux-image-6.12-amd64 metapackage.
resolve_kernel() {
	local dep
	dep=$(apt-cache depends linux-image-6.12-amd64 2>/dev/null |
		awk '/Depends: linux-image-6\.12\.[0-9]/ { print $2; exit }') || true
	if [ -z "$dep" ]; then
		apt_update
		dep=$(apt-cache depends linux-image-6.12-amd64 2>/dev/null |
			awk '/Depends: linux-image-6\.12\.[0-9]/ { print $2; exit }') || true
	fi
	[ -n "$dep" ] || die "cannot resolve linux-image-6.12-amd64 (is $(os_codename)-security in the apt sources?)"
	KVER_PKG=${dep#linux-image-}
	KVER_ABI=${KVER_PKG%-amd64}
	KVER_DEB=$(apt-cache show "$dep" | awk '/^Version:/ { print $2; exit }')
	[ -n "$KVER_DEB" ] || die "no version for $dep"
}

# apt_download DIR PKG[=VER]...: download .debs into DIR unless present
apt_download() {
	local dir=$1 p name ver need=()
	shift
	mkdir -p "$dir"
	for p in "$@"; do
		name=${p%%=*}
		ver=${p#*=}
		[ "$ver" = "$p" ] && ver=$(apt-cache show "$name" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
		# apt-get download escapes ':' in versions as %3a
		if ! compgen -G "$dir/${name}_${ver//:/%3a}_*.deb" >/dev/null; then
			need+=("$name=$ver")
		fi
	done
	[ ${#need[@]} -eq 0 ] && return 0
	(cd "$dir" && run_logged "$CACHE/logs/download.log" "downloading ${need[*]}" apt-get -q download "${need[@]}")
}

fetch_kernel_debs() {
	resolve_kernel
	apt_download "$CACHE/downloads" \
		"linux-image-$KVER_PKG=$KVER_DEB" \
		"linux-headers-$KVER_PKG=$KVER_DEB" \
		"linux-headers-$KVER_ABI-common=$KVER_DEB" \
		"linux-kbuild-$KVER_ABI=$KVER_DEB"
}

fetch_kernel_source() {
	resolve_kernel
	apt_download "$CACHE/downloads" "linux-source-6.12=$KVER_DEB"
}

fetch_qemu_tarball() {
	local codename
	if compgen -G "$CACHE/downloads/qemu_*.orig.tar.xz" >/dev/null; then
		return 0
	fi
	codename=$(os_codename)
	mkdir -p "$CACHE/downloads"
	# The .dsc and debian tarball may answer 404 (apt-get then exits
	# non-zero) while the orig tarball still arrives: judge by the file.
	(cd "$CACHE/downloads" && apt-get -q source --download-only "qemu/$codename-backports" \
		>"$CACHE/logs/qemu-download.log" 2>&1 </dev/null) || true
	if ! compgen -G "$CACHE/downloads/qemu_*.orig.tar.xz" >/dev/null; then
		apt_update
		(cd "$CACHE/downloads" && apt-get -q source --download-only "qemu/$codename-backports" \
			>>"$CACHE/logs/qemu-download.log" 2>&1 </dev/null) || true
	fi
	compgen -G "$CACHE/downloads/qemu_*.orig.tar.xz" >/dev/null || {
		tail -n 20 "$CACHE/logs/qemu-download.log" >&2
		die "could not download QEMU's orig tarball (apt-get source qemu/$codename-backports)"
	}
	# keep only the tarball (drop partial .dsc / debian tarballs)
	rm -f "$CACHE"/downloads/qemu_*.dsc "$CACHE"/downloads/qemu_*.debian.tar.* 2>/dev/null || true
}
