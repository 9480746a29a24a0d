#!/usr/bin/env bash
# Builds a free-threaded CPython 3.13 (PEP 703: ./configure --disable-gil) and installs it into
# pyenv's versions folder as 3.13.Nt, where `gilbench python --python auto` and `all` find it beside
# the `none` design. A user's opt-in step, not part of README's set-up: it needs root (apt-get) and
# takes several minutes on two cores.
#
# No free-threaded binary is packaged for Debian 12, but Debian 13's (trixie) python3.13 source
# package carries the upstream tarball byte for byte: this script adds trixie as a *source-only*
# apt repository (deb-src, signed by the trixie key that Debian 12's debian-archive-keyring holds),
# fetches that tarball with `apt-get source`, and builds it without PGO.
#
# Idempotent: an installed 3.13.*t is left alone. Each step that cannot be done says so in one
# line and exits 1. Environment: PYENV_ROOT (default ~/.pyenv), GILBENCH_FREE_THREADED_WORK (the
# build folder, default /tmp/gilbench-free-threaded), JOBS (default: the number of CPUs).
set -euo pipefail

say() { echo "install-free-threaded-python: $*" >&2; }
fail() { say "$*"; exit 1; }

pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
work="${GILBENCH_FREE_THREADED_WORK:-/tmp/gilbench-free-threaded}"
jobs="${JOBS:-$(nproc)}"

for installed in "$pyenv_root"/versions/3.13.*t; do
    if [ -x "$installed/bin/python3.13t" ]; then
        say "already installed: $installed/bin/python3.13t"
        exit 0
    fi
done

[ "$(id -u)" = 0 ] || fail "needs root for apt-get (run it with sudo)"
command -v apt-get > /dev/null || fail "needs apt-get (a Debian or Ubuntu machine)"

sources=/etc/apt/sources.list.d/gilbench-trixie-source.sources
if [ ! -f "$sources" ]; then
    say "adding Debian 13 (trixie) as a source-only repository: $sources"
    cat > "$sources" <<'EOF'
# Added by gilbench's scripts/install-free-threaded-python.sh: source packages only (deb-src), for
# Debian 13's python3.13, whose upstream tarball it builds with --disable-gil.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
apt-get update -q > /dev/null || fail "apt-get update failed (no access to Debian's archive?)"

say "installing the build's dependencies from this release"
apt-get install -y -q --no-install-recommends dpkg-dev build-essential pkg-config xz-utils \
    libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev libsqlite3-dev libreadline-dev \
    libncurses-dev uuid-dev libgdbm-dev > /dev/null || fail "could not install the build dependencies"

mkdir -p "$work"
cd "$work"
if ! ls python3.13_*.orig.tar.* > /dev/null 2>&1; then
    say "fetching Debian 13's python3.13 source package"
    apt-get source -q --download-only python3.13 > /dev/null || fail "apt-get source python3.13 failed (is trixie's deb-src reachable?)"
fi
tarball="$(ls python3.13_*.orig.tar.* | head -n 1)"
version="$(echo "$tarball" | sed -E 's/^python3\.13_([0-9]+\.[0-9]+\.[0-9]+)\.orig\.tar\..*$/\1/')"
[[ "$version" =~ ^3\.13\.[0-9]+$ ]] || fail "cannot read the version from $tarball"
prefix="$pyenv_root/versions/${version}t"

say "building CPython $version with --disable-gil into $prefix (several minutes)"
rm -rf "Python-$version"
tar -xf "$tarball"
cd "Python-$version"
# --enable-shared, as pyenv's builds here: the GIL's code then lives in libpython3.13t.so, where
# gilbench's uprobes look. The rpath lets the executable find it without LD_LIBRARY_PATH.
./configure -q --disable-gil --enable-shared --prefix="$prefix" LDFLAGS="-Wl,-rpath,$prefix/lib" > configure.log 2>&1 \
    || fail "configure failed: see $work/Python-$version/configure.log"
make -j"$jobs" > make.log 2>&1 || fail "make failed: see $work/Python-$version/make.log"
make install > install.log 2>&1 || fail "make install failed: see $work/Python-$version/install.log"

"$prefix/bin/python3.13t" -c 'import sys; assert not sys._is_gil_enabled(), "the GIL is enabled"' \
    || fail "$prefix/bin/python3.13t runs with a GIL"
say "installed $prefix/bin/python3.13t (free-threaded CPython $version)"
