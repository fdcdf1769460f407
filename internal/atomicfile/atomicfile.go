package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/surfscope/surfscope/internal/inputfile"
)

// Write creates path with the bytes that write produces.
//
// A regular file (or a name not yet taken) is written to a temporary file in the same folder,
// which is synced, closed and renamed over path, so that a reader never sees half a file; on any
// error, including the one Close returns, the temporary file is removed and path is left as it
// was. A file that path replaces keeps its permission bits; a new one gets 0644.
//
// A symbolic link is followed: its final target is replaced as above and the link stays. A
// device (/dev/null, /dev/full) or a named pipe is written in place: there is nothing to rename
// over, and a write error such as ENOSPC comes back naming path. A directory is an error ("is a
// directory").
//
// Every error Write returns begins with path (errors of write are wrapped, so errors.Is finds
// them). Before creating its temporary file, Write removes the temporary files of the same target that
// earlier writers left behind when they were killed (see [Stale]).
func Write(path string, write func(w io.Writer) error) error {
	t, err := resolve(path)
	if err != nil {
		return err
	}
	if t.inPlace {
		return writeInPlace(path, t.path, write)
	}
	removeStale(t.path)
	return writeReplacing(path, t, write)
}

// Check reports whether Write(path, …) could write path, before any work is done for it: path
// must not be a directory, its symbolic links must end somewhere, and the folder that would hold
// it must exist and take a new file (Check creates and removes a temporary file there, which
// also finds read-only file systems and places like /proc). A missing folder is an error naming
// it; Check creates nothing else. Devices and named pipes pass without being opened.
func Check(path string) error {
	t, err := resolve(path)
	if err != nil || t.inPlace {
		return err
	}
	dir := filepath.Dir(t.path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: folder %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	case !fi.IsDir():
		return fmt.Errorf("%s: %s is not a folder", path, dir)
	}
	removeStale(t.path)
	f, err := createTemp(t.path)
	if err != nil {
		return fmt.Errorf("%s: cannot create a file in %s: %v", path, dir, unwrapPath(err))
	}
	f.Close()
	forget(f.Name())
	return os.Remove(f.Name())
}

// target is where Write puts the bytes for a path.
type target struct {
	path    string      // path with its symbolic links followed
	inPlace bool        // a device or a named pipe: written in place
	mode    fs.FileMode // permission bits of the file replaced; 0 for a new file
}

// maxLinks is how many symbolic links resolve follows before it calls the chain a loop (the
// Linux kernel's limit).
const maxLinks = 40

// resolve says how path is written: devices, pipes and directories by what path finally
// names (the kernel follows every link, /dev/stdout's too), and a regular file or a name not yet
// taken by following path's symbolic links one by one to the name to replace.
func resolve(path string) (target, error) {
	if fi, err := os.Stat(path); err == nil {
		switch m := fi.Mode(); {
		case m.IsDir():
			return target{}, fmt.Errorf("%s: is a directory", path)
		case m&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
			return target{path: path, inPlace: true}, nil
		case !m.IsRegular():
			return target{}, fmt.Errorf("%s: cannot write a %s", path, inputfile.Kind(m))
		}
	}
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return target{path: p}, nil
		case err != nil:
			return target{}, fmt.Errorf("%s: %w", path, unwrapPath(err))
		case fi.Mode()&fs.ModeSymlink == 0:
			return target{path: p, mode: fi.Mode().Perm()}, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return target{}, fmt.Errorf("%s: %w", path, unwrapPath(err))
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return target{}, fmt.Errorf("%s: %w", path, syscall.ELOOP)
}

// writeInPlace writes a device or a named pipe directly.
func writeInPlace(path, real string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(real, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return nil
}

// writeReplacing writes a temporary file beside t.path and renames it over t.path.
func writeReplacing(path string, t target, write func(w io.Writer) error) (err error) {
	f, err := createTemp(t.path)
	if err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
		forget(f.Name())
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	mode := t.mode
	if mode == 0 {
		mode = 0o644
	}
	if err = os.Chmod(f.Name(), mode); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	if err = os.Rename(f.Name(), t.path); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	return nil
}

// createTemp creates the temporary file for target in target's folder, named as Stale expects,
// locks it for the life of the writer and records it as pending.
func createTemp(target string) (*os.File, error) {
	f, err := os.CreateTemp(filepath.Dir(target), tempPrefix(filepath.Base(target))+"*")
	if err != nil {
		return nil, err
	}
	lock(f)
	pending.Lock()
	pending.names[f.Name()] = true
	pending.Unlock()
	return f, nil
}

// pending holds the temporary files this process is writing now.
var pending = struct {
	sync.Mutex
	names map[string]bool
}{names: map[string]bool{}}

func forget(name string) {
	pending.Lock()
	delete(pending.names, name)
	pending.Unlock()
}

// RemovePending removes the temporary files this process is writing at the moment of the call.
// A command that must exit at once (a second Ctrl-C) calls it before os.Exit, so that nothing is
// left behind; the writers it interrupts then fail.
func RemovePending() {
	pending.Lock()
	defer pending.Unlock()
	for name := range pending.names {
		os.Remove(name)
		delete(pending.names, name)
	}
}

// unwrapPath drops the *fs.PathError or *os.LinkError at the top of err, whose path is a temporary
// or resolved name that the caller's message replaces with the name it was given.
func unwrapPath(err error) error {
	switch e := err.(type) {
	case *fs.PathError:
		return e.Err
	case *os.LinkError:
		return e.Err
	}
	return err
}
