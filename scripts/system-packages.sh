#!/usr/bin/env bash
# The one list of Debian packages surfscope needs, used by `make run`, `make test`, .ci/run and the README.
#
#   scripts/system-packages.sh list  [GROUP...]   print the packages of the groups
#   scripts/system-packages.sh check [GROUP...]   exit 1 and name what is missing
#   scripts/system-packages.sh install [GROUP...] install what is missing (apt-get as root; otherwise
#                                                 print the exact command to run and fail)
# Groups: build (compile and run the app), test (what `make test` needs beyond build),
#         bench (the PyTorch reference and the display of `make bench`), package (`make package` and its tests in
#         `make package-test`). Default: build.
set -euo pipefail

# Compiling Fyne (OpenGL, X11) and gonum's OpenBLAS binding; Mesa for offscreen EGL rendering.
build=(gcc pkg-config libgl1-mesa-dev libegl-dev libegl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev libopenblas-dev libgl1-mesa-dri libegl-mesa0)
# Window tests under a virtual display with screenshots, NumPy to cross-check NPY files, ONNX's own
# backend test suite for the importer's conformance tests, Fashion-MNIST, and VTK's Python reader for
# the .vts files and their provenance field data (python3-vtk9 is large: about 70 MB to download and
# 300 MB installed with its 100-odd dependencies, Qt 5 and Open MPI among them). ffmpeg writes and
# checks `surfscope animate`'s MP4 files; at run time it is optional (without it .mp4 is refused).
# Slurm with munge for the test that runs a sharded atlas on a local single-node cluster
# (slurm_test.go).
test=(xvfb xauth xdotool imagemagick python3-numpy libonnx-testdata dataset-fashion-mnist python3-vtk9 ffmpeg
  slurm-wlm munge)
# The speed reference of ../shared/bench/torch_reference.py (and the ONNX fixture script; SciPy for the
# rank tests' reference values, study/ranktest/testdata/reference.py); a virtual display for the
# app-first-surface workload (the real app under xvfb-run).
bench=(python3-torch python3-onnx python3-scipy xvfb xauth)
# make package: the Windows cross-compiler (and windres), zip, xz, dpkg-shlibdeps for the .deb's
# dependencies; make package-test: wine to run the Windows build, desktop-file-validate.
package=(gcc-mingw-w64-x86-64 zip xz-utils dpkg-dev wine wine64 desktop-file-utils)

cmd=${1:-list}
shift || true
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build)
pkgs=()
for g in "${groups[@]}"; do
  case $g in
    build) pkgs+=("${build[@]}") ;;
    test) pkgs+=("${test[@]}") ;;
    bench) pkgs+=("${bench[@]}") ;;
    package) pkgs+=("${package[@]}") ;;
    all) pkgs+=("${build[@]}" "${test[@]}" "${bench[@]}" "${package[@]}") ;;
    *) echo "system-packages: unknown group $g (build, test, bench, package, all)" >&2; exit 2 ;;
  esac
done
# Each package once (xvfb is in test and bench).
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | awk '!seen[$0]++')

missing() {
  local p
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

case $cmd in
  list) printf '%s\n' "${pkgs[@]}" ;;
  check)
    m=$(missing)
    if [ -n "$m" ]; then echo "missing Debian packages:" $m >&2; exit 1; fi ;;
  install)
    m=$(missing)
    [ -z "$m" ] && exit 0
    if [ "$(id -u)" -eq 0 ]; then
      echo "installing:" $m >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      # shellcheck disable=SC2086
      apt-get install -y -qq --no-install-recommends $m >/dev/null
    else
      echo "surfscope needs these Debian packages; run:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends" $m >&2
      exit 1
    fi ;;
  *) echo "usage: $0 list|check|install [build|test|bench|package|all]..." >&2; exit 2 ;;
esac
