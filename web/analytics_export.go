package web

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/xlsx"
)

// Exports of the analytics: the appeals of the filter (one row each), the
// density (district × category) or the efficiency of organisations, as
// CSV or XLSX. Nothing in them names or reaches a person (see
// appeal.ExportRow).
//
// CSV is made for Excel as Russian offices run it: UTF-8 with a byte
// order mark (without it Excel reads Cyrillic as cp1251 mojibake), ";"
// between fields (Russian Windows uses "," as the decimal mark, so Excel
// expects ";" as the list separator), decimal commas, dates as
// "2006-01-02 15:04" in Moscow time, CRLF line ends. Programs that want
// plain data should take the XLSX, whose cells are typed.

// analyticsExportKinds are what can be exported.
var analyticsExportKinds = []string{"appeals", "density", "efficiency"}

// analyticsTable is an export as rows of typed values, written to CSV or XLSX.
type analyticsTable struct {
	Sheet   string
	Columns []xlsx.Column
	Rows    func(emit func(values ...any) error) error
}

// analyticsExport builds the table the request asks for.
func (s *Server) analyticsExport(r *http.Request) (analyticsTable, string, error) {
	an, err := s.analytics()
	if err != nil {
		return analyticsTable{}, "", err
	}
	l, actor := stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	q := r.URL.Query()
	kind := q.Get("kind")
	if kind == "" {
		kind = "appeals"
	}
	var fe okno.FieldErrors
	known := false
	for _, k := range analyticsExportKinds {
		known = known || k == kind
	}
	if !known {
		fe.Add("kind", "web.analytics.export.bad_kind")
	}
	dq, ferr := analyticsFilter(q, s.analyticsToday())
	if err := fe.Err(); err != nil {
		return analyticsTable{}, "", err
	}
	if ferr != nil {
		return analyticsTable{}, "", ferr
	}
	name := "okno-" + kind + "-" + anDate(dq.From) + "-" + anDate(dq.To)
	col := func(key string, width float64) xlsx.Column {
		return xlsx.Column{Title: l.T("web.analytics.col." + key), Width: width}
	}
	switch kind {
	case "density":
		d, err := an.Density(r.Context(), actor, dq)
		if err != nil {
			return analyticsTable{}, "", err
		}
		names := map[int64]string{}
		for _, t := range d.Territories {
			names[t.ID] = t.Name
		}
		titles := map[int64]string{}
		for _, c := range d.Categories {
			titles[c.ID] = c.Name
		}
		return analyticsTable{Sheet: l.T("web.analytics.sheet.density"),
			Columns: []xlsx.Column{col("district", 28), col("category", 36), col("appeals", 12), col("author_days", 14)},
			Rows: func(emit func(...any) error) error {
				for _, c := range d.Cells {
					if err := emit(names[c.TerritoryID], titles[c.CategoryID], c.Appeals, c.AuthorDays); err != nil {
						return err
					}
				}
				return nil
			}}, name, nil
	case "efficiency":
		es, err := an.Efficiency(r.Context(), actor, dq.Period)
		if err != nil {
			return analyticsTable{}, "", err
		}
		return analyticsTable{Sheet: l.T("web.analytics.sheet.efficiency"),
			Columns: []xlsx.Column{col("organisation", 40), col("received", 12), col("answered", 12), col("on_time", 12), col("overdue", 12),
				col("on_time_share", 14), col("median_days", 14), col("reroutes", 12), col("reopened", 12), col("reopen_rate", 14),
				col("fixed", 12), col("not_fixed", 12), col("closed", 12)},
			Rows: func(emit func(...any) error) error {
				for _, e := range es {
					if err := emit(e.OrgName, e.Received, e.Answered, e.OnTime, e.Overdue, anRound3(e.OnTimeShare), anRound3(e.MedianAnswer.Hours()/24),
						e.Reroutes, e.Reopened, anRound3(e.ReopenRate), e.Fixed, e.NotFixed, e.Closed); err != nil {
						return err
					}
				}
				return nil
			}}, name, nil
	}
	return analyticsTable{Sheet: l.T("web.analytics.sheet.appeals"),
		Columns: []xlsx.Column{col("ref", 14), col("created", 17), col("category", 30), col("reason", 36), col("district", 24),
			col("organisation", 36), col("channel", 10), col("status", 12), col("outcome", 12), col("due", 17), col("answered_at", 17),
			col("answered_on_time", 10), col("closed_at", 17), col("reroutes", 10), col("reopened", 10), col("supporters", 10),
			col("lat", 11), col("lon", 11)},
		Rows: func(emit func(...any) error) error {
			_, _, err := an.ExportAppeals(r.Context(), actor, dq, xlsx.MaxRows-1, func(a appeal.ExportRow) error {
				onTime := ""
				if !a.AnsweredAt.IsZero() {
					onTime = l.T("web.analytics.yes")
					if !a.OnTime {
						onTime = l.T("web.analytics.no")
					}
				}
				return emit(a.Ref, a.CreatedAt.In(moscow), a.Category, a.Reason, a.Territory, a.Org, a.Channel, string(a.Status), a.Outcome,
					a.DueAt.In(moscow), anMoscow(a.AnsweredAt), onTime, anMoscow(a.ClosedAt), a.Reroutes, a.Reopened, a.Supporters, a.Lat, a.Lon)
			})
			return err
		}}, name, nil
}

func anMoscow(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(moscow)
}

func anRound3(f float64) float64 {
	return float64(int64(f*1000+0.5)) / 1000
}

// analyticsExportCSV writes the export as CSV for Russian Excel.
func (s *Server) analyticsExportCSV(w http.ResponseWriter, r *http.Request) error {
	t, name, err := s.analyticsExport(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = ';', true
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Title
	}
	cw.Write(head)
	rec := make([]string, len(t.Columns))
	err = t.Rows(func(values ...any) error {
		for i, v := range values {
			rec[i] = anCSVValue(v)
		}
		return cw.Write(rec[:len(values)])
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	// Once rows are out, an error cannot become an error page; the
	// response ends short and the log says why.
	if err != nil {
		s.log.Error("web: analytics export", "request_id", stateFrom(r.Context()).id, "error", err.Error())
	}
	return nil
}

// anCSVValue formats a value for Russian Excel: decimal commas, dates
// without seconds, and text that Excel would take for a formula made
// inert with a leading apostrophe (CSV injection).
func anCSVValue(v any) string {
	switch v := v.(type) {
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format("2006-01-02 15:04")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// analyticsExportXLSX writes the export as an XLSX workbook of one sheet.
func (s *Server) analyticsExportXLSX(w http.ResponseWriter, r *http.Request) error {
	t, name, err := s.analyticsExport(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriterSize(w, 64<<10)
	xw := xlsx.NewWriter(bw)
	sh, err := xw.NewSheet(t.Sheet, t.Columns)
	if err == nil {
		err = t.Rows(func(values ...any) error {
			// A sheet's times are its reader's wall clock: Moscow time.
			for i, v := range values {
				if tm, ok := v.(time.Time); ok && !tm.IsZero() {
					values[i] = tm.In(moscow)
				}
			}
			return sh.Row(values...)
		})
	}
	if err == nil {
		err = xw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		s.log.Error("web: analytics export", "request_id", stateFrom(r.Context()).id, "error", err.Error())
	}
	return nil
}
