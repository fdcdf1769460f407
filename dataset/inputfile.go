package dataset

import (
	"fmt"
	"io/fs"

	"github.com/surfscope/surfscope/internal/inputfile"
)

// exists reports whether src has a file named p: anything but a folder, including a symbolic
// link whose target is missing or loops and a named pipe or device, so that opening it (checkInput)
// says what is wrong with it instead of a message about a missing file.
func (src source) exists(p string) bool {
	if fi, err := fs.Stat(src.fsys, p); err == nil {
		return !fi.IsDir()
	}
	_, err := fs.Lstat(src.fsys, p) // a broken link: Stat fails, the link itself is there
	return err == nil
}

// checkInput returns the FileInfo of p in src if p is a regular file (through any symbolic
// links). A broken link, a link loop, a named pipe (reading it would wait for a writer forever),
// a device (/dev/zero never ends) or a socket is an error naming the file and what it is.
func (src source) checkInput(p string) (fs.FileInfo, error) {
	return checkInputFile(src.fsys, p, src.path(p))
}

// checkInputFile is checkInput for file p of fsys, called display in messages.
func checkInputFile(fsys fs.FS, p, display string) (fs.FileInfo, error) {
	fi, err := inputfile.CheckFS(fsys, p, display)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	return fi, nil
}
