package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
)

// Demo fines: made-up records from two made-up issuers, deterministic for
// a seed, for the demo and the import benchmark. DEMO DATA: the УИНs are
// well formed but issued by nobody; the documents belong to nobody.

// The demo issuers: the traffic police's cameras (fines by driving licence
// and vehicle) and the city's parking administrator (fines by vehicle).
const (
	DemoFineSourceTraffic = "gibdd"
	DemoFineSourceParking = "ampp"
)

// DemoFineSources are the demo issuers as accrual sources (no secrets:
// the console imports files; pushes need a configured secret).
func DemoFineSources() []accrual.Source {
	return []accrual.Source{
		{Code: DemoFineSourceTraffic, Name: "ГИБДД (демо)"},
		{Code: DemoFineSourceParking, Name: "Администратор платных парковок (демо)"},
	}
}

// DemoLicence is the k-th demo driving licence number.
func DemoLicence(k int) string { return fmt.Sprintf("99 00 %06d", k%1000000) }

// DemoSTS is the k-th demo vehicle registration certificate number.
func DemoSTS(k int) string { return fmt.Sprintf("99 01 %06d", k%1000000) }

// DemoFineCounts says what WriteDemoFines wrote.
type DemoFineCounts struct {
	Lines      int // records written, both files
	Fines      int // distinct УИНs
	Duplicates int // records repeating a fine through the other issuer's file
	Annulments int
	Payers     int // distinct licences (and as many vehicles)
}

// WriteDemoFines writes count JSON-lines records, split between the
// traffic police's file and the parking administrator's: about 5% of the
// records are a fine repeated through the other file (the same УИН from
// two channels) and about 2% annul an earlier fine. Fines are issued to
// count/3 drivers (DemoLicence(k) with DemoSTS(k)), decided within the 60
// days before today, with the 50% discount for 20 days.
func WriteDemoFines(count int, seed uint64, today time.Time, traffic, parking io.Writer) (DemoFineCounts, error) {
	var c DemoFineCounts
	rnd := rand.New(rand.NewPCG(seed, seed^0x5eed))
	tw, pw := bufio.NewWriterSize(traffic, 1<<16), bufio.NewWriterSize(parking, 1<<16)
	c.Payers = max(1, count/3)
	var werr error
	write := func(w *bufio.Writer, r accrual.Record) {
		if werr != nil {
			return
		}
		b, err := json.Marshal(r)
		if err == nil {
			b = append(b, '\n')
			_, err = w.Write(b)
		}
		werr = err
		c.Lines++
	}
	for n := int64(1); c.Lines < count; n++ {
		payer := rnd.IntN(c.Payers)
		decided := today.AddDate(0, 0, -rnd.IntN(60))
		r := accrual.Record{Kind: accrual.ChangeNew, Seq: 1, Amount: int64(500+rnd.IntN(10)*500) * 100,
			DecisionDate: decided.Format(time.DateOnly), DiscountPercent: 50,
			DiscountUntil: decided.AddDate(0, 0, 20).Format(time.DateOnly), STS: DemoSTS(payer)}
		own, other := tw, pw
		if n%4 == 0 {
			r.UIN = accrual.MakeUIN("03558000", n)
			r.Article, r.Place = "8.14 КоАП СПб", "парковочная зона 7820"
			r.Purpose = "Штраф за неоплату парковки (демо)"
			own, other = pw, tw
		} else {
			r.UIN = accrual.MakeUIN("18810178", n)
			r.Licence = DemoLicence(payer)
			r.Article, r.Place = "12.9.2", "Невский пр. (демо)"
		}
		write(own, r)
		c.Fines++
		if x := rnd.IntN(1000); x < 53 && c.Lines < count {
			write(other, r)
			c.Duplicates++
		} else if x < 74 && c.Lines < count {
			r.Kind, r.Seq = accrual.ChangeAnnul, 2
			write(own, r)
			c.Annulments++
		}
	}
	if werr != nil {
		return c, werr
	}
	if err := tw.Flush(); err != nil {
		return c, err
	}
	return c, pw.Flush()
}

// The demo driver's documents: Пётр Петров's (petr@okno.test) once
// LoadDemoFines has run. DEMO DATA, made up.
const (
	DemoDriverLicence = "99 07 123456"
	DemoDriverSTS     = "78 УК 654321"
)

// LoadDemoFines registers the demo driver's documents for the citizen
// userID and imports a handful of fines issued against them relative to
// today: one still within its 50% discount, one whose discount has
// expired, a parking fine by the vehicle, and one annulled. Running it
// again changes nothing (the same УИНs and sequence numbers are stale).
func LoadDemoFines(ctx context.Context, svc *accrual.Service, userID int64, today time.Time) error {
	driver := okno.Actor{Kind: okno.ActorCitizen, UserID: userID}
	if err := svc.AddDocument(ctx, driver, accrual.DocLicence, DemoDriverLicence); err != nil {
		return err
	}
	if err := svc.AddDocument(ctx, driver, accrual.DocSTS, DemoDriverSTS); err != nil {
		return err
	}
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	traffic := []accrual.Record{
		{UIN: accrual.MakeUIN("18810178", 990000001), Kind: accrual.ChangeNew, Seq: 1, Licence: DemoDriverLicence, STS: DemoDriverSTS,
			Amount: 50000, DiscountPercent: 50, DiscountUntil: day(14), DecisionDate: day(-6), Article: "12.9.2", Place: "Московский пр., 100 (демо)"},
		{UIN: accrual.MakeUIN("18810178", 990000002), Kind: accrual.ChangeNew, Seq: 1, Licence: DemoDriverLicence,
			Amount: 150000, DiscountPercent: 50, DiscountUntil: day(-20), DecisionDate: day(-40), Article: "12.12.1", Place: "пл. Восстания (демо)"},
		{UIN: accrual.MakeUIN("18810178", 990000003), Kind: accrual.ChangeAnnul, Seq: 2, STS: DemoDriverSTS,
			Amount: 80000, DecisionDate: day(-30), Article: "12.16.2", Place: "Литейный пр. (демо)"},
	}
	parking := []accrual.Record{
		{UIN: accrual.MakeUIN("03558000", 990000004), Kind: accrual.ChangeNew, Seq: 1, STS: DemoDriverSTS,
			Amount: 300000, DecisionDate: day(-3), Article: "37.2 КоАП СПб", Place: "парковочная зона 7801 (демо)",
			Purpose: "Штраф за неоплату парковки (демо)"},
	}
	for source, rs := range map[string][]accrual.Record{DemoFineSourceTraffic: traffic, DemoFineSourceParking: parking} {
		var b bytes.Buffer
		for _, r := range rs {
			line, err := json.Marshal(r)
			if err != nil {
				return err
			}
			b.Write(append(line, '\n'))
		}
		rep, err := svc.ImportFile(ctx, okno.System, source, &b, nil)
		if err != nil {
			return err
		}
		if rep.Rejected > 0 {
			return fmt.Errorf("demo: fines: %v", rep.Rejections[0].Err)
		}
	}
	return nil
}
