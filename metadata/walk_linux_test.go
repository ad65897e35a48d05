package metadata

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDirentModeUnknown: where the file system leaves d_type unknown (some
// network and older file systems), the entry's type comes from fstatat
// without following links.
func TestDirentModeUnknown(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("file", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	fd, err := openDir(unix.AT_FDCWD, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unix.Close(fd) }()
	tests := []struct {
		name   string
		want   fs.FileMode
		wantOK bool
	}{
		{"file", 0, true},
		{"dir", fs.ModeDir, true},
		{"link", fs.ModeSymlink, true},
		{"fifo", fs.ModeIrregular, true},
		{"gone", 0, false},
	}
	for _, tt := range tests {
		got, ok := direntMode(fd, unix.DT_UNKNOWN, []byte(tt.name))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("direntMode(DT_UNKNOWN, %q) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
	// With d_type known, no system call is made: the type is taken as given.
	for typ, want := range map[byte]fs.FileMode{unix.DT_REG: 0, unix.DT_DIR: fs.ModeDir, unix.DT_LNK: fs.ModeSymlink, unix.DT_FIFO: fs.ModeNamedPipe} {
		if got, ok := direntMode(-1, typ, []byte("anything")); got != want || !ok {
			t.Errorf("direntMode(%d) = %v, %v; want %v, true", typ, got, ok, want)
		}
	}
}
