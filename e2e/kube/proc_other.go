//go:build !linux

package kube

import (
	"os"
	"syscall"
)

// sysProcAttr has no parent-death signal outside Linux: an interrupted test
// binary may leave its children behind there.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup kills p (its own children, if any, are not reached).
func killGroup(p *os.Process) { _ = p.Kill() }
