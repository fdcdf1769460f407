#!/usr/bin/env bash
# Builds surfscope's packages into $DIST (the Makefile's `make package` and `make package-darwin`).
#
#   packaging/package.sh linux    surfscope-VERSION-linux-amd64.tar.xz and surfscope_DEBVERSION_amd64.deb
#   packaging/package.sh windows  surfscope-VERSION-windows-amd64.zip, cross-built with mingw-w64
#   packaging/package.sh darwin   surfscope-VERSION-darwin-ARCH.zip holding surfscope.app (on a Mac only)
#   packaging/package.sh names    the paths the linux and windows steps write, one a line
#
# The Makefile exports VERSION (git describe --tags --always --dirty), COMMIT, LDFLAGS (the -X flags
# that stamp both into internal/buildinfo), GO and DIST.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VERSION:?set by the Makefile}" "${LDFLAGS:?set by the Makefile}"
GO=${GO:-go}
DIST=${DIST:-dist}
[[ $DIST = /* ]] || DIST=$PWD/$DIST
ID=io.github.surfscope
# Tarballs and zips get the commit's time, so that the same commit packs the same way.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

# Numbers for places that want them (Windows file version, macOS bundle version): v1.2.3-4-g… gives
# "1 2 3 4"; a version that is not a vX.Y.Z tag or after one gives "0 0 0 0".
version_numbers() {
  if [[ $VERSION =~ ^v?([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9]+)-g)? ]]; then
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${BASH_REMATCH[5]:-0}"
  else
    echo "0 0 0 0"
  fi
}

# The Debian version: v1.2.3-4-gabc1234-dirty gives 1.2.3+4+gabc1234+dirty (after 1.2.3); a bare
# commit abc1234 (or 1234abc) gives 0~gabc1234 (before any release).
deb_version() {
  local v=${VERSION#v}
  v=${v//-/+}
  if [[ $v =~ ^[0-9]+\.[0-9]+ ]]; then echo "$v"; else echo "0~g$v"; fi
}

tarball=$DIST/surfscope-$VERSION-linux-amd64.tar.xz
deb=$DIST/surfscope_$(deb_version)_amd64.deb
zipfile=$DIST/surfscope-$VERSION-windows-amd64.zip

stage=$(mktemp -d)
syso=surfscope_windows_amd64.syso
trap 'rm -rf "$stage" "$syso"' EXIT

# timed LABEL CMD...: runs CMD and says how long it took.
timed() {
  local label=$1 start=$SECONDS
  shift
  "$@"
  echo "package: $label took $((SECONDS - start)) s" >&2
}

# The folder layout both Linux packages share, under $1 with prefix $2 (the tarball's folder is
# its own prefix; the .deb's is /usr).
linux_tree() {
  local root=$1 prefix=$2
  install -D -m 755 "$stage/surfscope" "$root$prefix/bin/surfscope"
  install -D -m 644 packaging/linux/$ID.desktop "$root$prefix/share/applications/$ID.desktop"
  install -D -m 644 assets/icon/icon.png "$root$prefix/share/icons/hicolor/512x512/apps/$ID.png"
  install -D -m 644 README.md "$root$prefix/share/doc/surfscope/README.md"
  install -D -m 644 packaging/debian/copyright "$root$prefix/share/doc/surfscope/copyright"
  find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# pack_tar DIR OUT: a reproducible .tar.xz of DIR's last component.
pack_tar() {
  XZ_OPT=${XZ_OPT:--T0} tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$(dirname "$1")" -cJf "$2" "$(basename "$1")"
}

linux() {
  timed "linux build" env CGO_ENABLED=1 "$GO" build -ldflags "$LDFLAGS -s -w" -o "$stage/surfscope" .
  mkdir -p "$DIST"

  local top=$stage/tar/surfscope-$VERSION-linux-amd64
  linux_tree "$top" ""
  install -m 644 packaging/linux/Makefile "$top/Makefile"
  timed "tar.xz" pack_tar "$top" "$tarball"

  # The .deb: dpkg-shlibdeps reads the libraries the binary links (as ldd shows them) and names
  # their packages with the versions the used symbols need; GLFW opens the X extensions with
  # dlopen, so those packages come from dpkg -S on the sonames it opens. EGL's Mesa vendor and
  # the Mesa drivers are recommended: without them the GL renderer falls back to the CPU.
  local src=$stage/deb pkg=$stage/deb/debian/surfscope
  linux_tree "$pkg" /usr
  mkdir -p "$pkg/DEBIAN"
  printf 'Source: surfscope\n\nPackage: surfscope\nArchitecture: amd64\n' >"$src/debian/control"
  local shlibs depends recommends
  shlibs=$(cd "$src" && dpkg-shlibdeps -O debian/surfscope/usr/bin/surfscope | sed -n 's/^shlibs:Depends=//p')
  depends="$shlibs, $(packages_of libXcursor.so.1 libXrandr.so.2 libXinerama.so.1 libXi.so.6 libXxf86vm.so.1)"
  recommends=$(packages_of libEGL_mesa.so.0 swrast_dri.so)
  cat >"$pkg/DEBIAN/control" <<EOF
Package: surfscope
Version: $(deb_version)
Architecture: amd64
Maintainer: ${MAINTAINER:-surfscope developers <surfscope@users.noreply.github.com>}
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: $depends
Recommends: $recommends
Section: science
Priority: optional
Homepage: https://github.com/surfscope/surfscope
Description: see what a neural network that fits its training set has learned
 surfscope trains networks on MNIST, Fashion-MNIST or CIFAR until they fit their training set
 (or imports them through ONNX), samples their outputs on planes and lines through input space
 and parameter space, measures smoothness, curvature, symmetry and linearity, and draws the
 results as interactive 3D surfaces in a desktop app or headless from the command line.
EOF
  timed ".deb" dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
  ls -l "$tarball" "$deb"
}

# packages_of SONAME...: the installed Debian packages holding these files, comma-separated.
packages_of() {
  local so p out=()
  for so in "$@"; do
    p=$(dpkg-query -S "*/$so" 2>/dev/null | head -1 | cut -d: -f1) ||:
    [ -n "$p" ] || { echo "package: no installed Debian package holds $so (scripts/system-packages.sh install build)" >&2; exit 1; }
    out+=("$p")
  done
  local IFS=,
  echo "${out[*]}" | sed 's/,/, /g'
}

windows() {
  local cc=x86_64-w64-mingw32-gcc
  command -v $cc >/dev/null || { echo "package: $cc is missing (scripts/system-packages.sh install package)" >&2; exit 1; }
  local n
  read -ra n <<<"$(version_numbers)"
  "$GO" run ./assets/icon/gen -out "" -ico "$stage/surfscope.ico"
  sed "s/SURFSCOPE_VERSION_DOTTED/${n[0]}.${n[1]}.${n[2]}.${n[3]}/" packaging/windows/surfscope.exe.manifest >"$stage/surfscope.exe.manifest"
  x86_64-w64-mingw32-windres -O coff -I "$stage" -D "SURFSCOPE_VERSION=\\\"$VERSION\\\"" \
    -D "SURFSCOPE_VERSION_NUM=${n[0]},${n[1]},${n[2]},${n[3]}" -i packaging/windows/surfscope.rc -o "$syso"
  # Pure-Go BLAS (Debian has no mingw OpenBLAS); render/internal/gl is not built for Windows, so
  # the CPU renderer draws. The Fyne window is OpenGL through opengl32.dll.
  local top=$stage/zip/surfscope-$VERSION-windows-amd64
  mkdir -p "$top" "$DIST"
  timed "windows cross-build" env GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$cc \
    "$GO" build -tags noblas -trimpath -ldflags "$LDFLAGS -s -w" -o "$top/surfscope.exe" .
  rm -f "$syso"
  install -m 644 README.md "$top/README.md"
  find "$top" -exec touch -d "@$SOURCE_DATE_EPOCH" {} +
  rm -f "$zipfile"
  (cd "$stage/zip" && zip -qrX - "$(basename "$top")") >"$zipfile"
  ls -l "$zipfile"
}

# macOS: a Mac with Xcode's command-line tools and Go builds the binary (pure-Go BLAS; the CPU
# renderer draws, the window is Fyne's OpenGL), the pinned fyne tool wraps it into surfscope.app
# (Info.plist, icon.icns), codesign signs it ad hoc (Apple Silicon runs nothing unsigned), and ditto
# zips it.
darwin() {
  [ "$(uname -s)" = Darwin ] || { echo "package: package-darwin runs on a Mac: it needs Apple's SDK for cgo (Fyne's window)" >&2; exit 1; }
  local arch n
  arch=$("$GO" env GOARCH)
  read -ra n <<<"$(version_numbers)"
  timed "darwin build" env CGO_ENABLED=1 "$GO" build -tags noblas -trimpath -ldflags "$LDFLAGS -s -w" -o "$stage/surfscope" .
  # fyne package counts its runs in FyneApp.toml's Build; the recipe leaves the file as it was.
  cp FyneApp.toml "$stage/FyneApp.toml"
  (cd "$stage" && "$GO" run "${FYNE_TOOL:?set by the Makefile}" package --os darwin --executable "$stage/surfscope" \
    --name surfscope --app-id $ID --app-version "${n[0]}.${n[1]}.${n[2]}" --app-build $((n[3] + 1)) \
    --icon "$OLDPWD/assets/icon/icon.png" --src "$OLDPWD") || { cp "$stage/FyneApp.toml" FyneApp.toml; exit 1; }
  cp "$stage/FyneApp.toml" FyneApp.toml
  # The pinned fyne tool leaves the category empty; Finder files surfscope under Education.
  plutil -replace LSApplicationCategoryType -string public.app-category.education "$stage/surfscope.app/Contents/Info.plist"
  codesign --force --deep --sign - "$stage/surfscope.app"
  mkdir -p "$DIST"
  local out=$DIST/surfscope-$VERSION-darwin-$arch.zip
  rm -f "$out"
  ditto -c -k --keepParent "$stage/surfscope.app" "$out"
  ls -l "$out"
}

case ${1:-} in
  linux) linux ;;
  windows) windows ;;
  darwin) darwin ;;
  names) printf '%s\n' "$tarball" "$deb" "$zipfile" ;;
  *) echo "usage: $0 linux|windows|darwin|names" >&2; exit 2 ;;
esac
