//go:build !linux

package metadata

// walkTree walks the tree at root; see walkReadDir.
func walkTree(w *treeWalk, root string) { walkReadDir(w, root) }
