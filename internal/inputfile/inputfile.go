// Package inputfile checks a file before it is read: reading a named pipe waits for a writer
// forever, a device such as /dev/zero never ends, and a broken symbolic link or a link loop
// otherwise reads as a missing file. Open and CheckFS turn each into an error that names the file
// and says what it is.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Open opens path for reading if it is a regular file (through any symbolic links). The file is
// opened without blocking and checked again once open, so that a pipe put in its place between
// the check and the open is refused too. Errors begin with path.
func Open(path string) (*os.File, error) {
	if _, err := check(path, os.Stat, os.Lstat, os.Readlink); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = notRegular(path, fi.Mode())
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// CheckFS returns the FileInfo of name in fsys if it is a regular file (through any symbolic
// links fsys follows); display names the file in errors.
func CheckFS(fsys fs.FS, name, display string) (fs.FileInfo, error) {
	return check(display,
		func(string) (fs.FileInfo, error) { return fs.Stat(fsys, name) },
		func(string) (fs.FileInfo, error) { return fs.Lstat(fsys, name) },
		func(string) (string, error) { return fs.ReadLink(fsys, name) })
}

// check is Open's and CheckFS's test, on functions that stat, lstat and read the link of the file
// called display.
func check(display string, stat, lstat func(string) (fs.FileInfo, error), readlink func(string) (string, error)) (fs.FileInfo, error) {
	fi, err := stat(display)
	if err != nil {
		li, lerr := lstat(display)
		if lerr != nil || li.Mode()&fs.ModeSymlink == 0 {
			return nil, fmt.Errorf("%s: %w", display, unwrapPath(err))
		}
		dest, _ := readlink(display)
		switch {
		case errors.Is(err, syscall.ELOOP):
			return nil, &fileError{fmt.Sprintf("%s: symbolic link loop (-> %s)", display, dest), syscall.ELOOP}
		case errors.Is(err, fs.ErrNotExist):
			return nil, &fileError{fmt.Sprintf("%s: symbolic link to %s, which does not exist", display, dest), fs.ErrNotExist}
		}
		return nil, fmt.Errorf("%s: symbolic link to %s: %w", display, dest, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(display, fi.Mode())
	}
	return fi, nil
}

// fileError is an error whose message says more than the error it wraps.
type fileError struct {
	msg string
	err error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }

func notRegular(display string, m fs.FileMode) error {
	return fmt.Errorf("%s: not a regular file but a %s", display, Kind(m))
}

// Kind names the type of a file that is not regular: folder, named pipe, device, socket.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "folder"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// unwrapPath drops the *fs.PathError around err: messages name the file as the caller knows it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadAll reads the regular file path (Open's checks) of at most limit bytes. A larger file is an
// error "path: larger than limit bytes" that does not read past limit+1 bytes, so an endless or
// huge file costs no more than the limit.
func ReadAll(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() // read-only: a close error cannot lose data
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}
