package notify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// SMPP 3.4 command identifiers (section 5.1.2.1) that the client sends or
// answers. A response's identifier is its request's with the high bit set.
const (
	cmdGenericNack     uint32 = 0x80000000
	cmdBindTransmitter uint32 = 0x00000002
	cmdSubmitSM        uint32 = 0x00000004
	cmdUnbind          uint32 = 0x00000006
	cmdEnquireLink     uint32 = 0x00000015
	cmdResponse        uint32 = 0x80000000
)

// SMPP 3.4 command_status values (section 5.1.3) the client tells apart.
const (
	statusOK            uint32 = 0x00000000
	statusInvalidCmdID  uint32 = 0x00000003
	statusInvalidBind   uint32 = 0x00000004 // ESME_RINVBNDSTS: the session is not bound
	statusSystemError   uint32 = 0x00000008
	statusInvalidPasswd uint32 = 0x0000000E
	statusQueueFull     uint32 = 0x00000014 // ESME_RMSGQFUL
	statusSubmitFailed  uint32 = 0x00000045
	statusThrottled     uint32 = 0x00000058 // ESME_RTHROTTLED
	statusTempAppError  uint32 = 0x00000064 // ESME_RX_T_APPN
	statusDeliveryFail  uint32 = 0x000000FE
	statusUnknownError  uint32 = 0x000000FF
)

// statusNames names the statuses an operator is likely to meet, for logs.
var statusNames = map[uint32]string{
	0x01: "ESME_RINVMSGLEN", 0x02: "ESME_RINVCMDLEN", 0x03: "ESME_RINVCMDID", 0x04: "ESME_RINVBNDSTS",
	0x05: "ESME_RALYBND", 0x08: "ESME_RSYSERR", 0x0A: "ESME_RINVSRCADR", 0x0B: "ESME_RINVDSTADR",
	0x0D: "ESME_RBINDFAIL", 0x0E: "ESME_RINVPASWD", 0x0F: "ESME_RINVSYSID", 0x14: "ESME_RMSGQFUL",
	0x15: "ESME_RINVSERTYP", 0x43: "ESME_RINVESMCLASS", 0x45: "ESME_RSUBMITFAIL", 0x48: "ESME_RINVSRCTON",
	0x49: "ESME_RINVSRCNPI", 0x50: "ESME_RINVDSTTON", 0x51: "ESME_RINVDSTNPI", 0x53: "ESME_RINVSYSTYP",
	0x58: "ESME_RTHROTTLED", 0x64: "ESME_RX_T_APPN", 0x65: "ESME_RX_P_APPN", 0x66: "ESME_RX_R_APPN",
	0xFE: "ESME_RDELIVERYFAILURE", 0xFF: "ESME_RUNKNOWNERR",
}

// temporaryStatuses are the refusals that may pass: the SMSC is busy,
// throttling or failing for a while. Every other status refuses the
// message itself (a bad number, a bad source address) and a retry would
// only be refused again.
var temporaryStatuses = map[uint32]bool{
	statusInvalidBind: true, statusSystemError: true, statusQueueFull: true, statusSubmitFailed: true,
	statusThrottled: true, statusTempAppError: true, statusDeliveryFail: true, statusUnknownError: true,
}

// The sizes SMPP 3.4 allows.
const (
	pduHeaderLen  = 16
	maxPDULen     = 64 << 10 // far above any PDU a transmitter receives; more is a broken stream
	interfaceV34  = 0x34
	maxSystemID   = 15 // C-Octet String sizes without the terminating NUL
	maxPassword   = 8
	maxSystemType = 12
	maxAddress    = 20
)

// pdu is one SMPP protocol data unit: the header's command, status and
// sequence number, and the body after the header.
type pdu struct {
	Command uint32
	Status  uint32
	Seq     uint32
	Body    []byte
}

// marshal renders p with its header.
func (p pdu) marshal() []byte {
	b := make([]byte, pduHeaderLen, pduHeaderLen+len(p.Body))
	binary.BigEndian.PutUint32(b[0:], uint32(pduHeaderLen+len(p.Body)))
	binary.BigEndian.PutUint32(b[4:], p.Command)
	binary.BigEndian.PutUint32(b[8:], p.Status)
	binary.BigEndian.PutUint32(b[12:], p.Seq)
	return append(b, p.Body...)
}

// errBadPDU is a stream that does not parse as SMPP: the connection must
// be dropped, as nothing after it can be trusted to start a PDU.
var errBadPDU = errors.New("notify: smpp: malformed PDU")

// readPDU reads one PDU from r.
func readPDU(r io.Reader) (pdu, error) {
	var h [pduHeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return pdu{}, err
	}
	n := binary.BigEndian.Uint32(h[0:])
	if n < pduHeaderLen || n > maxPDULen {
		return pdu{}, fmt.Errorf("%w: command_length %d", errBadPDU, n)
	}
	p := pdu{
		Command: binary.BigEndian.Uint32(h[4:]),
		Status:  binary.BigEndian.Uint32(h[8:]),
		Seq:     binary.BigEndian.Uint32(h[12:]),
		Body:    make([]byte, n-pduHeaderLen),
	}
	if _, err := io.ReadFull(r, p.Body); err != nil {
		return pdu{}, err
	}
	return p, nil
}

// bodyWriter builds a PDU body field by field.
type bodyWriter struct{ bytes.Buffer }

// cstring writes a C-Octet String: the text and a NUL.
func (w *bodyWriter) cstring(s string) {
	w.WriteString(s)
	w.WriteByte(0)
}

// bindTransmitterBody is the body of bind_transmitter (4.1.1).
func bindTransmitterBody(systemID, password, systemType string) []byte {
	var w bodyWriter
	w.cstring(systemID)
	w.cstring(password)
	w.cstring(systemType)
	w.WriteByte(interfaceV34)
	w.WriteByte(0) // addr_ton
	w.WriteByte(0) // addr_npi
	w.cstring("")  // address_range
	return w.Bytes()
}

// smsAddress is a source or destination address with its type of number
// and numbering plan indicator.
type smsAddress struct {
	TON, NPI byte
	Addr     string
}

// submitSMBody is the body of submit_sm (4.4.1) for one part.
func submitSMBody(from, to smsAddress, esmClass, coding byte, shortMessage []byte) []byte {
	var w bodyWriter
	w.cstring("") // service_type: the SMSC default
	w.WriteByte(from.TON)
	w.WriteByte(from.NPI)
	w.cstring(from.Addr)
	w.WriteByte(to.TON)
	w.WriteByte(to.NPI)
	w.cstring(to.Addr)
	w.WriteByte(esmClass)
	w.WriteByte(0) // protocol_id
	w.WriteByte(0) // priority_flag
	w.cstring("")  // schedule_delivery_time: now
	w.cstring("")  // validity_period: the SMSC default
	w.WriteByte(0) // registered_delivery: a transmitter cannot receive receipts
	w.WriteByte(0) // replace_if_present_flag
	w.WriteByte(coding)
	w.WriteByte(0) // sm_default_msg_id
	w.WriteByte(byte(len(shortMessage)))
	w.Write(shortMessage)
	return w.Bytes()
}

// firstCString returns the C-Octet String at the start of body (a
// submit_sm_resp's message_id, a bind response's system_id), or "" when
// the body is empty, as it may be after a refusal.
func firstCString(body []byte) string {
	if i := bytes.IndexByte(body, 0); i >= 0 {
		return string(body[:i])
	}
	return string(body)
}

// SMPPError is a refusal by the SMSC: the command it answered and its
// command_status. Permanent tells whether retrying could help.
type SMPPError struct {
	Command string // "bind_transmitter", "submit_sm", "enquire_link", "unbind"
	Status  uint32
}

// Error implements error. It names the status but never the message or
// its recipient.
func (e *SMPPError) Error() string {
	name := statusNames[e.Status]
	if name == "" {
		name = "status"
	}
	return fmt.Sprintf("notify: smpp %s refused: %s (0x%08X)", e.Command, name, e.Status)
}

// Permanent reports whether the SMSC refused the message itself, so that
// an outbox handler gives up instead of retrying; throttling, a full queue
// and system errors are temporary. A refused bind is never permanent: it
// is the installation's configuration, and the messages can go once an
// operator fixes it.
func (e *SMPPError) Permanent() bool {
	return e.Command != commandName(cmdBindTransmitter) && !temporaryStatuses[e.Status]
}

// commandName names a request command for errors.
func commandName(cmd uint32) string {
	switch cmd {
	case cmdBindTransmitter:
		return "bind_transmitter"
	case cmdSubmitSM:
		return "submit_sm"
	case cmdUnbind:
		return "unbind"
	case cmdEnquireLink:
		return "enquire_link"
	}
	return fmt.Sprintf("command 0x%08X", cmd)
}
