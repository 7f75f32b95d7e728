// Package demo holds Saint Petersburg's demonstration data — its
// organisations and coarse district shapes — and loads them into a fresh
// installation, so that `okno serve` is useful the moment it starts and
// tests and benchmarks have a realistic city to work on.
//
// Everything here is either public (names of bodies of power) or of the
// project's own making (the district shapes). It must never embed the shared
// reference data in ../shared/data, and it never creates people: staff come
// from package identity.
package demo

import (
	"github.com/okno/okno/geo"
)

// district is one of Saint Petersburg's 18 administrative districts.
type district struct {
	Code     string  // Latin key, as OpenStreetMap-based data names it
	Name     string  // "Адмиралтейский район", the territory's name
	Genitive string  // "Адмиралтейского района", for organisations' names
	Lat, Lon float64 // an approximate centre, from general knowledge of the city
}

// districts returns the 18 districts. Centres are rough places inside each
// district (its historic core or its largest town), not centroids: they only
// seed the Voronoi cells of Territories.
func districts() []district {
	return []district{
		{"admiralteysky", "Адмиралтейский район", "Адмиралтейского района", 59.914, 30.290},
		{"vasileostrovsky", "Василеостровский район", "Василеостровского района", 59.940, 30.250},
		{"vyborgsky", "Выборгский район", "Выборгского района", 60.060, 30.320},
		{"kalininsky", "Калининский район", "Калининского района", 60.000, 30.390},
		{"kirovsky", "Кировский район", "Кировского района", 59.870, 30.255},
		{"kolpinsky", "Колпинский район", "Колпинского района", 59.750, 30.600},
		{"krasnogvardeysky", "Красногвардейский район", "Красногвардейского района", 59.965, 30.460},
		{"krasnoselsky", "Красносельский район", "Красносельского района", 59.790, 30.110},
		{"kronshtadtsky", "Кронштадтский район", "Кронштадтского района", 59.995, 29.770},
		{"kurortny", "Курортный район", "Курортного района", 60.150, 29.900},
		{"moskovsky", "Московский район", "Московского района", 59.850, 30.320},
		{"nevsky", "Невский район", "Невского района", 59.880, 30.450},
		{"petrogradsky", "Петроградский район", "Петроградского района", 59.965, 30.300},
		{"petrodvortsovy", "Петродворцовый район", "Петродворцового района", 59.880, 29.880},
		{"primorsky", "Приморский район", "Приморского района", 60.010, 30.230},
		{"pushkinsky", "Пушкинский район", "Пушкинского района", 59.700, 30.400},
		{"frunzensky", "Фрунзенский район", "Фрунзенского района", 59.860, 30.380},
		{"tsentralny", "Центральный район", "Центрального района", 59.935, 30.355},
	}
}

// cityBox bounds the demo cells: Saint Petersburg with its suburbs, from
// Lomonosov and Zelenogorsk in the west to Kolpino in the south-east.
var cityBox = geo.BBox{MinLon: 29.40, MinLat: 59.60, MaxLon: 30.80, MaxLat: 60.28}

// lonScale makes a degree of longitude as long as a degree of latitude at
// Saint Petersburg's latitude (cos 59.95°), so cells are split by real
// distance. The scaling is linear, so straight edges stay straight.
const lonScale = 0.5010

// TerritoriesSource marks the demo shapes, so nobody mistakes them for
// surveyed boundaries.
const TerritoriesSource = "Okno demo: Voronoi cells of approximate district centres, not real boundaries"

// Territories returns coarse shapes of the 18 districts, of the project's own
// making: the Voronoi cell of each district's centre, clipped to cityBox.
// They cover the box without overlapping, and each centre lies in its own
// cell, which is enough to route a demo appeal to a district. Import real
// boundaries (OpenStreetMap) under the same names to replace them.
func Territories() *geo.FeatureCollection {
	ds := districts()
	fc := &geo.FeatureCollection{Source: TerritoriesSource}
	for i, d := range ds {
		cell := []vec{{cityBox.MinLon * lonScale, cityBox.MinLat}, {cityBox.MaxLon * lonScale, cityBox.MinLat},
			{cityBox.MaxLon * lonScale, cityBox.MaxLat}, {cityBox.MinLon * lonScale, cityBox.MaxLat}}
		c := vec{d.Lon * lonScale, d.Lat}
		for j, o := range ds {
			if j == i {
				continue
			}
			cell = clipCloser(cell, c, vec{o.Lon * lonScale, o.Lat})
		}
		ring := make(geo.Ring, 0, len(cell)+1)
		for _, v := range cell {
			ring = append(ring, geo.Point{Lon: v.x / lonScale, Lat: v.y})
		}
		ring = append(ring, ring[0])
		fc.Features = append(fc.Features, geo.Feature{Name: d.Name, Code: d.Code, Geometry: geo.MultiPolygon{{ring}}})
	}
	return fc
}

type vec struct{ x, y float64 }

// clipCloser keeps the part of convex polygon poly nearer to c than to o:
// the half-plane 2(o−c)·p ≤ |o|²−|c|², by Sutherland–Hodgman.
func clipCloser(poly []vec, c, o vec) []vec {
	nx, ny := 2*(o.x-c.x), 2*(o.y-c.y)
	k := o.x*o.x + o.y*o.y - c.x*c.x - c.y*c.y
	side := func(p vec) float64 { return nx*p.x + ny*p.y - k } // ≤ 0 inside
	var out []vec
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		sa, sb := side(a), side(b)
		if sa <= 0 {
			out = append(out, a)
		}
		if (sa < 0 && sb > 0) || (sa > 0 && sb < 0) {
			t := sa / (sa - sb)
			out = append(out, vec{a.x + t*(b.x-a.x), a.y + t*(b.y-a.y)})
		}
	}
	return out
}
