package notify

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// smppConn is one TCP session with an SMSC. A reader goroutine, which lives
// exactly as long as the connection, hands responses to the requests
// waiting for them and answers what the SMSC asks on its own
// (enquire_link, unbind), so that a link stays alive between messages.
type smppConn struct {
	nc      net.Conn
	timeout time.Duration // bounds each write

	wmu sync.Mutex // one writer at a time: requests and the reader's answers

	mu   sync.Mutex
	wait map[uint32]chan pdu // requests awaiting their response, by sequence number

	once sync.Once
	err  error         // why the connection ended; set once, read after done
	done chan struct{} // closed when the reader has stopped
}

// errSMPPUnbound is the SMSC ending the session with unbind.
var errSMPPUnbound = errors.New("notify: smpp: the SMSC unbound the session")

// newSMPPConn starts the reader of nc.
func newSMPPConn(nc net.Conn, timeout time.Duration) *smppConn {
	c := &smppConn{nc: nc, timeout: timeout, wait: map[uint32]chan pdu{}, done: make(chan struct{})}
	go c.read()
	return c
}

// alive reports whether the connection still works as far as we know.
func (c *smppConn) alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// shutdown closes the connection for reason; the first reason sticks.
func (c *smppConn) shutdown(reason error) {
	c.once.Do(func() {
		c.err = reason
		c.nc.Close()
	})
}

// read runs until the connection ends.
func (c *smppConn) read() {
	defer close(c.done)
	r := bufio.NewReader(c.nc)
	for {
		p, err := readPDU(r)
		if err != nil {
			c.shutdown(err)
			return
		}
		switch {
		case p.Command&cmdResponse != 0: // responses, generic_nack included
			ch := c.waiter(p)
			if ch != nil {
				ch <- p // buffered: never blocks
			}
		case p.Command == cmdEnquireLink:
			c.answer(pdu{Command: cmdEnquireLink | cmdResponse, Seq: p.Seq})
		case p.Command == cmdUnbind:
			c.answer(pdu{Command: cmdUnbind | cmdResponse, Seq: p.Seq})
			c.shutdown(errSMPPUnbound)
			return
		default:
			// deliver_sm and the like: a transmitter takes none.
			c.answer(pdu{Command: cmdGenericNack, Status: statusInvalidCmdID, Seq: p.Seq})
		}
	}
}

// waiter takes the request a response answers, by sequence number. A bind
// response is matched by its command alone when the bind is the only
// request in flight, as it always is: some SMSCs (go-smpp's test server
// among them) do not echo the bind's sequence number.
func (c *smppConn) waiter(p pdu) chan pdu {
	c.mu.Lock()
	defer c.mu.Unlock()
	seq := p.Seq
	if _, ok := c.wait[seq]; !ok && p.Command == cmdBindTransmitter|cmdResponse && len(c.wait) == 1 {
		for s := range c.wait {
			seq = s
		}
	}
	ch := c.wait[seq]
	delete(c.wait, seq)
	return ch
}

// answer writes a response from the reader; a failure ends the connection.
func (c *smppConn) answer(p pdu) {
	if err := c.write(p); err != nil {
		c.shutdown(err)
	}
}

// write sends one PDU within the timeout.
func (c *smppConn) write(p pdu) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return err
	}
	_, err := c.nc.Write(p.marshal())
	return err
}

// call sends request p and waits for its response: at most the timeout,
// less if ctx ends first. A status other than ESME_ROK is an *SMPPError. A
// lost link or a response that never comes ends the connection, which the
// next call to the SMSC replaces.
func (c *smppConn) call(ctx context.Context, p pdu) (pdu, error) {
	name := commandName(p.Command)
	ch := make(chan pdu, 1)
	c.mu.Lock()
	c.wait[p.Seq] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.wait, p.Seq)
		c.mu.Unlock()
	}()
	if err := c.write(p); err != nil {
		c.shutdown(err)
		return pdu{}, fmt.Errorf("notify: smpp %s: %w", name, err)
	}
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.Command != cmdGenericNack && r.Command != p.Command|cmdResponse {
			err := fmt.Errorf("%w: %s answered with command 0x%08X", errBadPDU, name, r.Command)
			c.shutdown(err)
			return pdu{}, err
		}
		if r.Status != statusOK || r.Command == cmdGenericNack {
			return r, &SMPPError{Command: name, Status: r.Status}
		}
		return r, nil
	case <-c.done:
		return pdu{}, fmt.Errorf("notify: smpp %s: connection lost: %w", name, c.err)
	case <-timer.C:
		err := fmt.Errorf("notify: smpp %s: no response within %s", name, c.timeout)
		c.shutdown(err)
		return pdu{}, err
	case <-ctx.Done():
		// A late response finds no one waiting and is dropped.
		return pdu{}, fmt.Errorf("notify: smpp %s: %w", name, ctx.Err())
	}
}
