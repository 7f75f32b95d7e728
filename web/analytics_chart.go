package web

import (
	"math"
	"strconv"

	"github.com/okno/okno/appeal"
	"github.com/okno/okno/i18n"
)

// Charts are drawn on the server as SVG: no chart library, nothing to
// run in the browser, and a CSP without inline styles (SVG's geometry is
// attributes; colours come from analytics.css).

// barChart is appeals by day (by month over long periods) as columns.
type barChart struct {
	Width, Height int
	Left, Bottom  int // the plot's left and bottom edges
	Bars          []chartBar
	Ticks         []chartTick // the value axis
	Labels        []chartTick // the time axis
	Caption       string
}

type chartBar struct {
	X, Y, W, H float64
	Title      string // the tooltip: date and count
}

type chartTick struct {
	X, Y float64
	Text string
}

// Chart geometry, in SVG user units.
const (
	chartWidth  = 720
	chartHeight = 240
	chartLeft   = 48
	chartTop    = 10
	chartBottom = 210
	chartRight  = 710
)

func newBarChart(l i18n.Localizer, d appeal.Density) barChart {
	c := barChart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Bottom: chartBottom, Caption: l.T("web.analytics.chart.daily")}
	series, layout := d.Days, "02.01.2006"
	if len(d.Months) > 0 {
		series, layout = d.Months, "01.2006"
		c.Caption = l.T("web.analytics.chart.monthly")
	}
	if len(series) == 0 {
		return c
	}
	top := 0
	for _, b := range series {
		top = max(top, b.Appeals)
	}
	top = anNiceCeiling(top)
	w := float64(chartRight-chartLeft) / float64(len(series))
	scale := float64(chartBottom-chartTop) / float64(top)
	for i, b := range series {
		h := float64(b.Appeals) * scale
		c.Bars = append(c.Bars, chartBar{X: r2(chartLeft + float64(i)*w + w*0.1), Y: r2(chartBottom - h), W: r2(w * 0.8), H: r2(h),
			Title: b.Day.Format(layout) + ": " + strconv.Itoa(b.Appeals)})
	}
	for _, v := range []int{0, top / 2, top} {
		c.Ticks = append(c.Ticks, chartTick{X: chartLeft - 6, Y: r2(chartBottom - float64(v)*scale + 4), Text: strconv.Itoa(v)})
	}
	for _, i := range []int{0, len(series) / 2, len(series) - 1} {
		c.Labels = append(c.Labels, chartTick{X: r2(chartLeft + (float64(i)+0.5)*w), Y: chartBottom + 18, Text: series[i].Day.Format(layout)})
	}
	return c
}

// r2 rounds a coordinate to hundredths: finer than any screen, and the
// page stays small.
func r2(f float64) float64 { return math.Round(f*100) / 100 }

// anNiceCeiling rounds n up to 1, 2 or 5 times a power of ten, so that the
// axis reads in round numbers.
func anNiceCeiling(n int) int {
	if n <= 1 {
		return 1
	}
	p := 1
	for p*10 < n {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= n {
			return m * p
		}
	}
	return 10 * p
}

// hbarChart is the categories' totals as horizontal bars.
type hbarChart struct {
	Rows []hbarRow
}

type hbarRow struct {
	Name  string
	N     int
	Width float64 // of 100
}

func newHBarChart(cats []appeal.NamedCount) hbarChart {
	var c hbarChart
	if len(cats) == 0 {
		return c
	}
	top := cats[0].Appeals
	for _, k := range cats {
		c.Rows = append(c.Rows, hbarRow{Name: k.Name, N: k.Appeals, Width: 100 * float64(k.Appeals) / float64(max(top, 1))})
	}
	return c
}
