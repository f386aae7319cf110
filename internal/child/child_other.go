//go:build !linux

package child

import "syscall"

// dieWithParent does nothing where the kernel offers no parent-death signal; the process
// group kill on the way out is all there is.
func dieWithParent(*syscall.SysProcAttr) {}
