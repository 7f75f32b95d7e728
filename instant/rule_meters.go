package instant

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// maxMonthly is the most a meter may plausibly advance in a month: more
// is a typo (a digit too many), not consumption.
var maxMonthly = map[MeterKind]float64{MeterCold: 100, MeterHot: 100, MeterElectricity: 5000}

// maxReading bounds a reading (meters have at most 8 whole digits).
const maxReading = 1e8

// meterRule ("meter-readings") accepts meter readings for an account's
// meters: each must be a number not below the previous reading (the
// registry's, or one sent here before this month) and not absurdly higher
// (over 100 m³ of water a month). Readings are stored once per account,
// meter and month: sending again within the month corrects them.
//
// It reads the personal account from "account", "personalAccount",
// "personal_account" or "ls", and the readings from any of:
//   - "readings": [{"meter": "<meter ID>", "value": 123.45}, ...]
//     ("id" or "meterId" name the meter too);
//   - "readings": {"<meter ID>": 123.45, ...};
//   - "cold", "hot", "electricity" (or "coldWater", "hotWater"): the value
//     for the account's only meter of that kind.
//
// Values may be numbers or text with a decimal comma; up to three decimals.
type meterRule struct{ s *Service }

func (meterRule) Name() string { return "meter-readings" }

// reading is one meter reading to store with the request.
type reading struct {
	accountKey, meter, month string
	milli                    int64 // thousandths of the unit
}

// submitted is one value a citizen sent, and where it was in the data.
type submitted struct {
	ptr   string
	value any
}

func (r meterRule) Run(ctx context.Context, in Input) (Result, error) {
	ptr, account := field(in.Data, "account", "personalAccount", "personal_account", "ls")
	account = NormalizeKey(account)
	var fe okno.FieldErrors
	if account == "" {
		fe.Add(ptr, "instant.account_required")
	} else {
		keyProblem(&fe, ptr, account, 6, 20)
	}
	if err := fe.Err(); err != nil {
		return Result{}, err
	}
	acc, err := r.s.d.Registry.MeterAccount(ctx, account)
	if okno.IsCode(err, okno.ENOTFOUND) {
		return Result{Status: StatusNone, Title: both("Лицевой счёт не найден", "Personal account not found"),
			Notes: []Text{both("Проверьте номер лицевого счёта: он указан в квитанции за жилищно-коммунальные услуги.",
				"Check the personal account number: it is on the bill for housing and utilities.")}}, nil
	}
	if err != nil {
		return Result{}, err
	}
	sent := r.values(in.Data, acc)
	if len(sent) == 0 {
		fe.Add("/readings", "instant.meter_none")
		return Result{}, fe.Err()
	}
	key := hex.EncodeToString(r.s.d.Keys.BlindIndex("instant.meter_account", account))
	month := in.Now.In(r.s.d.Location).Format("2006-01")
	res := Result{Status: StatusAccepted, Title: both("Показания приняты", "Readings accepted"),
		Facts: []Fact{
			{both("Лицевой счёт", "Personal account"), plain(acc.Account)},
			{both("Адрес", "Address"), plain(acc.Address)},
			{both("Расчётный месяц", "Month"), plain(in.Now.In(r.s.d.Location).Format("01.2006"))},
		}}
	known := map[string]bool{}
	for _, m := range acc.Meters {
		known[m.ID] = true
	}
	for _, id := range sortedSent(sent) {
		if !known[id] {
			fe.Add(sent[id].ptr, "instant.meter_unknown")
		}
	}
	for _, m := range acc.Meters {
		v, ok := sent[m.ID]
		if !ok {
			continue
		}
		f, ok := number(v.value)
		if !ok || math.IsNaN(f) || f < 0 || f >= maxReading {
			fe.Add(v.ptr, "instant.meter_number")
			continue
		}
		milli := int64(math.Round(f * 1000))
		prev, prevAt, err := r.previous(ctx, key, m, month)
		if err != nil {
			return Result{}, err
		}
		months := max(1, monthsBetween(prevAt, in.Now))
		switch {
		case milli < prev:
			fe.Add(v.ptr, "instant.meter_less", quantity(prev, m.Kind)["ru"])
			continue
		case float64(milli-prev) > maxMonthly[m.Kind]*1000*float64(months):
			fe.Add(v.ptr, "instant.meter_too_high", quantity(prev, m.Kind)["ru"], quantity(int64(maxMonthly[m.Kind]*1000), m.Kind)["ru"])
			continue
		}
		res.readings = append(res.readings, reading{accountKey: key, meter: m.ID, month: month, milli: milli})
		res.Sections = append(res.Sections, Section{Title: meterTitle(m), Facts: []Fact{
			{both("Предыдущие показания", "Previous reading"), quantity(prev, m.Kind)},
			{both("Новые показания", "New reading"), quantity(milli, m.Kind)},
			{both("Расход", "Used"), quantity(milli-prev, m.Kind)},
		}})
	}
	if err := fe.Err(); err != nil {
		return Result{}, err
	}
	res.Notes = []Text{both("Показания можно исправить до конца месяца: повторная передача заменит их.",
		"Readings may be corrected until the month ends: sending them again replaces them.")}
	return res, nil
}

// values collects the readings sent, by meter ID; values for meters the
// account does not have are ignored only when named by kind.
func (r meterRule) values(data map[string]any, acc MeterAccount) map[string]submitted {
	out := map[string]submitted{}
	switch rs := data["readings"].(type) {
	case []any:
		for i, e := range rs {
			obj, ok := e.(map[string]any)
			if !ok {
				continue
			}
			id := ""
			for _, k := range []string{"meter", "id", "meterId"} {
				if s, ok := obj[k].(string); ok && s != "" {
					id = s
					break
				}
			}
			if obj["value"] != nil && obj["value"] != "" {
				if id == "" {
					id = "#" + strconv.Itoa(i) // no meter named: no account has it
				}
				out[id] = submitted{ptr: "/readings/" + strconv.Itoa(i) + "/value", value: obj["value"]}
			}
		}
	case map[string]any:
		for id, v := range rs {
			if v != nil && v != "" {
				out[id] = submitted{ptr: "/readings/" + id, value: v}
			}
		}
	}
	for name, kind := range map[string]MeterKind{"cold": MeterCold, "coldWater": MeterCold, "hot": MeterHot, "hotWater": MeterHot, "electricity": MeterElectricity} {
		v, ok := data[name]
		if !ok || v == nil || v == "" {
			continue
		}
		var only []Meter
		for _, m := range acc.Meters {
			if m.Kind == kind {
				only = append(only, m)
			}
		}
		if len(only) == 1 {
			out[only[0].ID] = submitted{ptr: "/" + name, value: v}
		}
	}
	return out
}

// sortedSent lists the meters sent in order, for problems in a stable order.
func sortedSent(sent map[string]submitted) []string {
	ids := make([]string, 0, len(sent))
	for id := range sent {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// previous is the reading a new one is checked against: the latest of the
// registry's and of those sent here before month.
func (r meterRule) previous(ctx context.Context, key string, m Meter, month string) (int64, time.Time, error) {
	prev, at := int64(math.Round(m.Last*1000)), m.LastAt
	var milli int64
	var sentAt time.Time
	err := r.s.d.DB.QueryRowContext(ctx, `SELECT value_milli, updated_at FROM meter_readings
		WHERE account_key = ? AND meter = ? AND month < ? ORDER BY month DESC LIMIT 1`, key, m.ID, month).Scan(&milli, &sentAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return 0, time.Time{}, fmt.Errorf("instant: previous reading: %w", err)
	default:
		prev = max(prev, milli)
		if sentAt.After(at) {
			at = sentAt
		}
	}
	return prev, at, nil
}

// storeReadings writes the readings of a request in its transaction: one
// row per account, meter and month, replaced by a later one.
func storeReadings(ctx context.Context, tx *sqldb.Tx, requestID int64, rs []reading, now time.Time) error {
	sort.Slice(rs, func(i, j int) bool { return rs[i].meter < rs[j].meter }) // one lock order
	for _, rd := range rs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meter_readings (account_key, meter, month, value_milli, request_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (account_key, meter, month) DO UPDATE SET value_milli = excluded.value_milli,
				request_id = excluded.request_id, updated_at = excluded.updated_at`,
			rd.accountKey, rd.meter, rd.month, rd.milli, requestID, now, now); err != nil {
			return fmt.Errorf("instant: store a reading: %w", err)
		}
	}
	return nil
}

// monthsBetween counts whole calendar months from a to b (0 when a is zero).
func monthsBetween(a, b time.Time) int {
	if a.IsZero() {
		return 0
	}
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// meterTitle names a meter: "Холодная вода, счётчик № 123".
func meterTitle(m Meter) Text {
	names := map[MeterKind][2]string{MeterCold: {"Холодная вода", "Cold water"}, MeterHot: {"Горячая вода", "Hot water"},
		MeterElectricity: {"Электроэнергия", "Electricity"}}[m.Kind]
	ru, en := names[0], names[1]
	if m.Serial != "" {
		return both(ru+", счётчик № "+m.Serial, en+", meter No. "+m.Serial)
	}
	return both(ru, en)
}

// quantity formats thousandths of a meter's unit: "123,456 м³".
func quantity(milli int64, k MeterKind) Text {
	unit := map[MeterKind][2]string{MeterCold: {"м³", "m³"}, MeterHot: {"м³", "m³"}, MeterElectricity: {"кВт·ч", "kWh"}}[k]
	s := strconv.FormatFloat(float64(milli)/1000, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return both(strings.Replace(s, ".", ",", 1)+"\u00a0"+unit[0], s+"\u00a0"+unit[1])
}
