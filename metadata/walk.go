package metadata

import (
	"io/fs"
	"os"
	"path/filepath"
)

// treeWalk is what a directory walk reports to: the metadata files it finds
// and the directories it cannot read. Both walkers (walkReadDir everywhere,
// walkGetdents on Linux) find the same files; a test checks they agree.
type treeWalk struct {
	wd    string
	opts  Options
	emit  func(input)
	probs []Problem
}

// unreadable records a directory (or symbolic link) that could not be read.
func (w *treeWalk) unreadable(path, msg string, err error) {
	w.probs = append(w.probs, Problem{Code: ProblemUnreadable, Pos: Pos{File: DisplayPath(w.wd, path)}, Message: msg + errText(err)})
}

// file handles a directory entry that is not a directory, whose name
// classifyEntry accepted as type t with the given component name. typ is the
// entry's type from the directory listing: the file itself is not stat'ed
// unless it is a symbolic link (followed, to a regular file only).
func (w *treeWalk) file(dir, name string, t Type, component string, typ fs.FileMode) {
	path := filepath.Join(dir, name)
	display := DisplayPath(w.wd, path)
	if w.opts.Ignore != nil && w.opts.Ignore(display) {
		return
	}
	size := int64(-1) // checked while reading
	if typ&fs.ModeSymlink != 0 {
		target, err := os.Stat(path)
		if err != nil {
			w.unreadable(path, "broken symbolic link: ", err)
			return
		}
		if !target.Mode().IsRegular() {
			return
		}
		size = target.Size()
	} else if !typ.IsRegular() {
		return
	}
	w.emit(fileInput(path, display, t, component, size, w.opts.Limits.MaxFileSize))
}

// walkReadDir walks the tree at root with os.ReadDir, in lexical order.
// Symbolic links to directories are not followed, so loops cannot occur.
func walkReadDir(w *treeWalk, root string) {
	var walk func(dir string)
	walk = func(dir string) {
		// os.ReadDir opens the directory without the runtime poller (os.Open
		// would add an fcntl and a failing epoll_ctl per directory).
		entries, err := os.ReadDir(dir)
		if err != nil {
			w.unreadable(dir, "cannot read: ", err)
			return
		}
		for _, d := range entries {
			name := d.Name()
			if d.IsDir() {
				if !skipDirs[name] {
					walk(filepath.Join(dir, name))
				}
				continue
			}
			if t, comp, ok := classifyEntry(dir, name); ok {
				w.file(dir, name, t, comp, d.Type())
			}
		}
	}
	walk(root)
}
