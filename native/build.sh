#!/bin/sh
# Builds the CNI forwarder into native/build/ipnet-cni (libc only). Writes to a temp name and
# renames, so a concurrent build (e.g. two test files) never leaves a half-written binary.
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
mkdir -p "$here/build"
tmp="$here/build/.ipnet-cni.$$"
${CC:-cc} -O2 -Wall -Wextra -Werror -std=c11 -o "$tmp" "$here/ipnet-cni.c"
mv -f "$tmp" "$here/build/ipnet-cni"
