package metadata

import (
	"encoding/binary"
	"io/fs"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"
)

// walkTree walks the tree at root; see walkGetdents.
func walkTree(w *treeWalk, root string) { walkGetdents(w, root) }

// walkGetdents walks the tree at root with the getdents64 system call on
// directory descriptors, opening each subdirectory relative to its parent.
// Large SFDX repositories hold tens of thousands of files that are not app
// metadata; for those this allocates nothing and never stats: os.ReadDir
// would allocate a DirEntry and a name per entry, sort them, and open every
// directory by its full path. Entries come in directory order, not sorted:
// the loader sorts what it read. Symbolic links to directories are not
// followed, so loops cannot occur.
func walkGetdents(w *treeWalk, root string) {
	fd, err := openDir(unix.AT_FDCWD, root, 0)
	if err != nil {
		w.unreadable(root, "cannot read: ", err)
		return
	}
	g := getdentsWalk{treeWalk: w, buf: make([]byte, 32<<10)}
	g.walk(fd, filepath.Clean(root))
}

type getdentsWalk struct {
	*treeWalk
	buf []byte // the listing buffer, reused: a directory is listed completely before its subdirectories are walked
}

func openDir(dirfd int, name string, extra int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|extra, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// walk lists the directory open as fd, at path dir, and closes fd.
func (g *getdentsWalk) walk(fd int, dir string) {
	var subdirs []string
	for {
		n, err := unix.Getdents(fd, g.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			g.unreadable(dir, "cannot read: ", &fs.PathError{Op: "readdirent", Path: dir, Err: err})
			break
		}
		if n <= 0 {
			break
		}
		for b := g.buf[:n]; len(b) > 0; {
			// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name NUL-terminated.
			if len(b) < 19 {
				break
			}
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				break
			}
			typ, rawName := b[18], b[19:reclen]
			b = b[reclen:]
			for i, c := range rawName {
				if c == 0 {
					rawName = rawName[:i]
					break
				}
			}
			if len(rawName) == 0 || (rawName[0] == '.' && (len(rawName) == 1 || (len(rawName) == 2 && rawName[1] == '.'))) {
				continue
			}
			mode, ok := direntMode(fd, typ, rawName)
			if !ok {
				continue // vanished while listed
			}
			if mode.IsDir() {
				if !skipDirs[string(rawName)] {
					subdirs = append(subdirs, string(rawName))
				}
				continue
			}
			// A view of the listing buffer, only for classifying; what is kept
			// is copied below. Most entries end here, with nothing allocated.
			view := unsafe.String(&rawName[0], len(rawName))
			t, comp, ok := classifyEntry(dir, view)
			if !ok {
				continue
			}
			name := string(rawName)
			g.file(dir, name, t, name[:len(comp)], mode)
		}
	}
	for _, name := range subdirs {
		path := filepath.Join(dir, name)
		sub, err := openDir(fd, name, unix.O_NOFOLLOW)
		if err != nil {
			g.unreadable(path, "cannot read: ", &fs.PathError{Op: "open", Path: path, Err: err})
			continue
		}
		g.walk(sub, path)
	}
	_ = unix.Close(fd) // a directory: nothing to flush
}

// direntMode is the type of a directory entry: from d_type, or, where the
// file system does not fill it in, from fstatat without following links.
func direntMode(dirfd int, typ byte, name []byte) (fs.FileMode, bool) {
	switch typ {
	case unix.DT_REG:
		return 0, true
	case unix.DT_DIR:
		return fs.ModeDir, true
	case unix.DT_LNK:
		return fs.ModeSymlink, true
	case unix.DT_FIFO:
		return fs.ModeNamedPipe, true
	case unix.DT_SOCK:
		return fs.ModeSocket, true
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case unix.DT_BLK:
		return fs.ModeDevice, true
	}
	var st unix.Stat_t
	for {
		err := unix.Fstatat(dirfd, string(name), &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, false
		}
		break
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return 0, true
	case unix.S_IFDIR:
		return fs.ModeDir, true
	case unix.S_IFLNK:
		return fs.ModeSymlink, true
	}
	return fs.ModeIrregular, true
}
