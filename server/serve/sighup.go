package serve

import (
	"os"
	"os/signal"
	"syscall"
)

// hupWatcher reopens the audit devices each time the process gets SIGHUP
// (log rotation), until stopped. It is owned by a Server.
type hupWatcher struct {
	sig  chan os.Signal
	stop chan struct{}
	done chan struct{}
}

// watchSIGHUP starts the server's SIGHUP goroutine; stopSIGHUP ends it.
func (s *Server) watchSIGHUP() {
	w := &hupWatcher{sig: make(chan os.Signal, 1), stop: make(chan struct{}), done: make(chan struct{})}
	signal.Notify(w.sig, syscall.SIGHUP)
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.sig:
				s.log.Info("SIGHUP received: reopening audit devices")
				if err := s.Core.ReopenAudit(); err != nil {
					s.log.Error("reopening audit devices failed", "err", err)
				}
			case <-w.stop:
				return
			}
		}
	}()
	s.hup = w
}

func (s *Server) stopSIGHUP() {
	if s.hup == nil {
		return
	}
	signal.Stop(s.hup.sig)
	close(s.hup.stop)
	<-s.hup.done
	s.hup = nil
}
