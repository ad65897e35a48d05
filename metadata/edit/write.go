package edit

import (
	"os"
	"path/filepath"
)

// Writer writes files atomically: the data goes to a temporary file in the
// target's directory, is synced, gets the target's mode and is renamed over
// the target. Any failure removes the temporary file and leaves the target as
// it was.
type Writer struct {
	// Rename moves the temporary file over the target; nil means os.Rename.
	// Tests inject failures here.
	Rename func(oldpath, newpath string) error
}

// WriteFile writes data to path atomically. An existing file keeps its
// permission bits; a new one gets mode.
func (w Writer) WriteFile(path string, data []byte, mode os.FileMode) error {
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(name)
		return err
	}
	rename := w.Rename
	if rename == nil {
		rename = os.Rename
	}
	if err := rename(name, path); err != nil {
		_ = os.Remove(name)
		return err
	}
	// Make the rename itself durable; not every file system supports this.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// WriteFileAtomic writes data to path atomically with the default Writer.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	return Writer{}.WriteFile(path, data, mode)
}
