// Package packaging is how surfscope ships: package.sh builds the Linux .tar.xz and .deb, the
// Windows .zip (cross-built with mingw-w64) and, on a Mac, the macOS .app in a .zip, from the
// files in linux/, debian/ and windows/. Its tests check the packages `make package` wrote, as a
// user would meet them: the tarball unpacked and installed under a prefix, the .deb installed with
// dpkg (as root), the Windows build run under wine, its pictures against the Linux build's and its
// window on an X display. `make package-test` builds the packages and runs them; without the
// SURFSCOPE_PACKAGES it sets they skip. No program imports this package.
package packaging
