package child

import "syscall"

// dieWithParent has the kernel kill the child when the study's process dies, even by
// SIGKILL, which no deferred cleanup survives: a server left behind would listen forever.
// The signal comes when the thread that started the child exits; the Go runtime keeps its
// threads, so in practice that is when the process does.
func dieWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
