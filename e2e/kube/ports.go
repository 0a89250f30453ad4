package kube

import "net"

// freePorts returns n distinct TCP ports that were free on 127.0.0.1 a moment
// ago. Another process may take one before the child binds it; Start retries
// when a child reports the address in use.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		// Closed only after all are chosen, so the ports are distinct.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
