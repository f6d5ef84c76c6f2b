// Command pause is the sandbox ("pause") container of the test bed's real node: the process that holds a pod's
// namespaces open. The usual pause image cannot be pulled on a machine without a public registry, so the test bed
// builds this one from source. It reaps the children that end up parented to it (it is PID 1 of the pod when the
// pod shares its process namespace) and exits on SIGINT or SIGTERM.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
