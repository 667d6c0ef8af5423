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
	got=$(openssl dgst -sha512 -binary "$file" | base64 -w0)
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
