package appeal

// Submitting an appeal: who may file one and for whom, what it must hold,
// where it goes (the routing table), and the one transaction that opens
// its case and writes its appeals row. Screening is in screen.go, the
// author's and staff's view in view.go, the projection that keeps appeals
// in step with the case in projection.go, nearby duplicates in nearby.go,
// joining in join.go, re-categorising in recategorise.go.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/ruid"
	"github.com/okno/okno/sqldb"
)

// Limits of a submission's smaller fields.
const (
	maxAddress   = 500
	maxName      = 100
	maxHint      = 254
	maxDeviceID  = 128
	maxComment   = 2000
	maxReasonKey = 64
	// repeatSimilarity is how alike (Similarity of Tokens) a new text must
	// be to one the same author sent within the day to be flagged as spam.
	repeatSimilarity = 0.9
	// repeatLookback is how many of the author's recent appeals are
	// compared with a new one.
	repeatLookback = 5
)

// imageTypes are the photo formats an appeal takes, judged by content.
var imageTypes = map[string]bool{blob.JPEG: true, blob.PNG: true, blob.WebP: true, blob.HEIC: true}

// submission is a Submission checked and resolved: what the transaction
// writes.
type submission struct {
	in        Submission
	reason    Reason
	category  Category
	territory geo.Territory
	lat, lon  float64
	authorRef string // what author_key is the blind index of
	flags     []Flag

	routed Route // the rule of the routing table it goes by

	suggestedReason     int64 // the classifier's, when it thinks the category wrong
	suggestedConfidence float64
}

// Submit files a new appeal as actor: a citizen, an operator for a caller,
// an API client (JSON API, Open311). Every problem with the input is
// reported at once, by field; nothing is stored unless all is well. The
// appeal is durable when Submit returns; a retry with the same
// IdempotencyKey returns the first appeal.
func (s *Service) Submit(ctx context.Context, actor okno.Actor, in Submission) (Appeal, error) {
	sub := submission{in: in}
	if err := s.authorOf(actor, &sub); err != nil {
		return Appeal{}, err
	}
	if err := s.check(ctx, &sub); err != nil {
		return Appeal{}, err
	}
	if f, ok, err := s.byKey(ctx, s.d.DB, actor, sub.in.IdempotencyKey); ok || err != nil {
		if err != nil {
			return Appeal{}, err
		}
		return s.retried(ctx, actor, f)
	}
	misfiled, sugID, sugConf := s.classify(sub.in.Text, sub.category)
	sub.flags = append(Screen(sub.in.Text), misfiled...)
	sub.suggestedReason, sub.suggestedConfidence = sugID, sugConf
	// Everything that reads without writing — the route, the checks of the
	// case, storing the photos — happens before the transaction, so the
	// writer holds nothing while it waits.
	if err := s.route(ctx, &sub); err != nil {
		return Appeal{}, err
	}
	prep, err := s.d.Cases.Prepare(ctx, actor, casework.NewCase{Process: ProcessName, ApplicantID: sub.in.ApplicantID,
		OrgID: sub.routed.OrgID, PositionID: sub.routed.PositionID, Subject: sub.reason.Title, Channel: sub.in.Channel,
		Data: caseData(&sub, actor), LegalClock: EffectiveLegal(sub.reason, sub.category), Documents: sub.in.Photos,
		IdempotencyKey: sub.in.IdempotencyKey, AnyOrg: true})
	if err != nil {
		return Appeal{}, err
	}
	// Submissions are independent of each other and arrive in bursts: they
	// share commits (group commit), each still durable before it returns.
	var f filed
	err = s.d.DB.InTxGroup(ctx, func(tx *sqldb.Tx) error {
		var err error
		f, err = s.file(ctx, tx, actor, &sub, prep)
		return err
	})
	if err != nil {
		return Appeal{}, err
	}
	return s.authorView(ctx, actor, f, sub.in.Text)
}

// authorOf decides who may file and as whom the appeal counts: a citizen
// for themself (web, or the JSON API and Open311 with their own token);
// an operator for a caller (an account, or a name and phone number);
// an API client for the people behind it (told apart by AuthorHint). It
// sets the channel and the reference author_key is made from.
func (s *Service) authorOf(actor okno.Actor, sub *submission) error {
	in := &sub.in
	switch actor.Kind {
	case okno.ActorAnonymous:
		return okno.Errorf(okno.EUNAUTHORIZED, "appeal.sign_in")
	case okno.ActorCitizen:
		if in.ApplicantID != 0 && in.ApplicantID != actor.UserID {
			return okno.Errorf(okno.EFORBIDDEN, "appeal.submit_forbidden")
		}
		in.ApplicantID = actor.UserID
		if in.Channel != casework.ChannelAPI && in.Channel != casework.ChannelOpen311 {
			in.Channel = casework.ChannelWeb
		}
		in.Contact = Contact{} // their profile says how to reach them
		in.AuthorHint = ""
		sub.authorRef = "citizen:" + strconv.FormatInt(actor.UserID, 10)
	case okno.ActorStaff:
		if !actor.Has(okno.RoleOperator) {
			return okno.Errorf(okno.EFORBIDDEN, "appeal.submit_forbidden")
		}
		in.Channel = casework.ChannelOperator
		in.AuthorHint = ""
		if in.ApplicantID != 0 {
			sub.authorRef = "citizen:" + strconv.FormatInt(in.ApplicantID, 10)
		}
		// A caller without an account: authorRef is set from the phone
		// number once it is checked.
	case okno.ActorAPIKey:
		if in.Channel != casework.ChannelOpen311 {
			in.Channel = casework.ChannelAPI
		}
		in.ApplicantID = 0
		in.AuthorHint = strings.ToLower(strings.TrimSpace(in.AuthorHint))
		sub.authorRef = "apikey:" + strconv.FormatInt(actor.APIKeyID, 10) + ":" + in.AuthorHint
	case okno.ActorSystem:
		in.Channel = casework.ChannelSystem
		sub.authorRef = "system:" + in.AuthorHint
	default:
		return okno.Errorf(okno.EFORBIDDEN, "appeal.submit_forbidden")
	}
	return nil
}

// check validates the whole submission, reporting every problem at once,
// and resolves its reason and territory.
func (s *Service) check(ctx context.Context, sub *submission) error {
	in := &sub.in
	var fe okno.FieldErrors
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return err
	}
	var ok bool
	switch {
	case in.ReasonID != 0:
		sub.reason, sub.category, ok = tax.ReasonByID(in.ReasonID)
	case in.ReasonCode != "" && len(in.ReasonCode) <= maxReasonKey:
		sub.reason, sub.category, ok = tax.Reason(strings.TrimSpace(in.ReasonCode))
	case in.ReasonCode == "":
		fe.Add("reason", "appeal.reason_required")
		ok = true
	}
	if !ok {
		fe.Add("reason", "appeal.reason_unknown")
	}
	in.Text = strings.TrimSpace(in.Text)
	checkText(&fe, in.Text, s.d.Limits)
	in.Address = strings.TrimSpace(in.Address)
	if utf8.RuneCountInString(in.Address) > maxAddress {
		fe.Add("address", "appeal.too_long", maxAddress)
	} else if !cleanText(in.Address) {
		fe.Add("address", "appeal.text_invalid")
	}
	if err := s.place(ctx, sub, &fe); err != nil {
		return err
	}
	s.checkPhotos(&fe, in.Photos)
	if in.Channel == casework.ChannelOperator || in.Contact != (Contact{}) {
		s.checkContact(&fe, sub)
	}
	if utf8.RuneCountInString(in.AuthorHint) > maxHint {
		fe.Add("author_hint", "appeal.too_long", maxHint)
	}
	if len(in.IdempotencyKey) > 200 {
		fe.Add("idempotency_key", "appeal.too_long", 200)
	}
	return fe.Err()
}

// checkText checks an appeal's text: present, within limits, text.
func checkText(fe *okno.FieldErrors, text string, l Limits) {
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		fe.Add("text", "appeal.text_required")
	case !cleanText(text):
		fe.Add("text", "appeal.text_invalid")
	case n < l.MinText:
		fe.Add("text", "appeal.text_short", l.MinText)
	case n > l.MaxText:
		fe.Add("text", "appeal.text_long", l.MaxText)
	}
}

// cleanText reports whether s is valid UTF-8 without NUL or other control
// characters but line breaks and tabs: what a person types. HTML is text
// like any other and is stored as given; escaping it is the pages' job.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// place resolves where the problem is: the district a point lies in, or,
// for a point outside every district or an address without a point, the
// district the author picked.
func (s *Service) place(ctx context.Context, sub *submission, fe *okno.FieldErrors) error {
	in := &sub.in
	if in.HasPoint {
		if !validPoint(in.Lat, in.Lon) {
			fe.Add("point", "appeal.point_invalid")
			return nil
		}
		sub.lat, sub.lon = in.Lat, in.Lon
		ts, err := s.d.Territories.Lookup(ctx, in.Lat, in.Lon)
		if err != nil {
			return fmt.Errorf("appeal: territory of a point: %w", err)
		}
		for _, t := range ts {
			if t.Level == geo.LevelDistrict {
				sub.territory = t
				return nil
			}
		}
		if in.TerritoryID == 0 {
			fe.Add("point", "appeal.outside")
			return nil
		}
		return s.pickedDistrict(ctx, sub, fe)
	}
	if in.Address == "" {
		fe.Add("point", "appeal.place_required")
		return nil
	}
	if in.TerritoryID == 0 {
		fe.Add("territory", "appeal.territory_required")
		return nil
	}
	if err := s.pickedDistrict(ctx, sub, fe); err != nil || sub.territory.ID == 0 {
		return err
	}
	// An address without a point is placed at the middle of its district
	// so that it has a cell; the address says where it really is.
	b := sub.territory.BBox
	sub.lat, sub.lon = (b.MinLat+b.MaxLat)/2, (b.MinLon+b.MaxLon)/2
	return nil
}

// pickedDistrict checks the territory the author picked: it must be a
// district.
func (s *Service) pickedDistrict(ctx context.Context, sub *submission, fe *okno.FieldErrors) error {
	t, err := s.d.Territories.Get(ctx, sub.in.TerritoryID)
	switch {
	case okno.IsCode(err, okno.ENOTFOUND):
		fe.Add("territory", "appeal.territory_unknown")
		return nil
	case err != nil:
		return fmt.Errorf("appeal: territory %d: %w", sub.in.TerritoryID, err)
	case t.Level != geo.LevelDistrict:
		fe.Add("territory", "appeal.territory_not_district")
		return nil
	}
	sub.territory = t
	return nil
}

// checkPhotos checks the photos: how many, how big, and that each is an
// image by its content whatever its name says.
func (s *Service) checkPhotos(fe *okno.FieldErrors, photos []casework.Upload) {
	l := s.d.Limits
	if len(photos) > l.MaxPhotos {
		fe.Add("photos", "appeal.photos_too_many", l.MaxPhotos)
		return
	}
	for i, p := range photos {
		name := p.Name
		if utf8.RuneCountInString(name) > 100 || !cleanText(name) {
			name = "#" + strconv.Itoa(i+1)
		}
		switch {
		case len(p.Content) == 0:
			fe.Add("photos", "appeal.photo_empty", name)
		case int64(len(p.Content)) > l.MaxPhotoSize:
			fe.Add("photos", "appeal.photo_too_big", name, l.MaxPhotoSize>>20)
		case !imageTypes[blob.Sniff(p.Content)]:
			fe.Add("photos", "appeal.photo_not_image", name)
		}
	}
}

// checkContact checks how an author without an account can be reached. A
// caller an operator registers needs a name and a phone number; an API
// client's contact fields are optional but must be valid when given.
func (s *Service) checkContact(fe *okno.FieldErrors, sub *submission) {
	in := &sub.in
	c := &in.Contact
	c.FirstName, c.LastName = strings.TrimSpace(c.FirstName), strings.TrimSpace(c.LastName)
	c.DeviceID = strings.TrimSpace(c.DeviceID)
	caller := in.Channel == casework.ChannelOperator && in.ApplicantID == 0
	for _, f := range []struct {
		field, v string
		max      int
	}{{"contact.first_name", c.FirstName, maxName}, {"contact.last_name", c.LastName, maxName}, {"contact.device_id", c.DeviceID, maxDeviceID}} {
		if utf8.RuneCountInString(f.v) > f.max {
			fe.Add(f.field, "appeal.too_long", f.max)
		} else if !cleanText(f.v) {
			fe.Add(f.field, "appeal.text_invalid")
		}
	}
	if caller && c.FirstName == "" {
		fe.Add("contact.first_name", "appeal.name_required")
	}
	if c.Phone != "" || caller {
		p, err := ruid.Phone(c.Phone)
		if err != nil {
			ruid.Field(fe, "contact.phone", err)
		} else {
			c.Phone = p
			if caller {
				sub.authorRef = "caller:" + p
			}
		}
	}
	if c.Email != "" {
		e, err := ruid.Email(c.Email)
		if err != nil {
			ruid.Field(fe, "contact.email", err)
		} else {
			c.Email = e
		}
	}
}

// byKey finds the appeal actor filed with an idempotency key before.
func (s *Service) byKey(ctx context.Context, q sqldb.Querier, actor okno.Actor, key string) (filed, bool, error) {
	if key == "" {
		return filed{}, false, nil
	}
	var f filed
	err := q.QueryRowContext(ctx, `SELECT a.case_id, c.version FROM appeals a JOIN cases c ON c.id = a.case_id
		WHERE c.created_by = ? AND c.idempotency_key = ?`, actor.Ref(), key).Scan(&f.caseID, &f.version)
	if errors.Is(err, sql.ErrNoRows) {
		return filed{}, false, nil
	}
	if err != nil {
		return filed{}, false, fmt.Errorf("appeal: find by idempotency key: %w", err)
	}
	return f, true, nil
}

// route finds the rule of the routing table the appeal goes by (from the
// table cached in memory).
func (s *Service) route(ctx context.Context, sub *submission) error {
	route, err := s.Resolve(ctx, s.d.DB, sub.reason.ID, sub.territory.ID)
	if okno.IsCode(err, okno.ENOTFOUND) {
		s.d.Logger.Warn("appeal: no route", "reason", sub.reason.Code, "territory", sub.territory.ID)
		var fe okno.FieldErrors
		fe.Add("reason", "appeal.no_route")
		return fe.Err()
	}
	if err != nil {
		return fmt.Errorf("appeal: route: %w", err)
	}
	sub.routed = route
	return nil
}

// filed names an appeal's case and its version.
type filed struct{ caseID, version int64 }

// file writes the appeal in tx: the rate limit, the route, the case and
// the appeals row.
func (s *Service) file(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, sub *submission, prep *casework.Prepared) (filed, error) {
	in := sub.in
	now := s.now()
	authorKey := hex.EncodeToString(s.d.Index.BlindIndex("appeal.author", sub.authorRef))
	recent, err := s.rateLimit(ctx, tx, authorKey, now)
	if err != nil {
		return filed{}, err
	}
	if s.repeats(ctx, tx, recent, in.Text) {
		sub.flags = append(sub.flags, Flag{Kind: FlagSpam, Detail: "same_text"})
	}
	route := sub.routed
	c, err := s.d.Cases.OpenPreparedTx(ctx, tx, prep)
	if err != nil {
		return filed{}, err
	}
	// A retry racing the first submission: casework returned the first
	// case; its appeals row is there or comes with the first transaction.
	if f, ok, err := s.byKey(ctx, tx, actor, in.IdempotencyKey); ok || err != nil {
		return f, err
	}
	flags, err := encodeFlags(sub.flags)
	if err != nil {
		return filed{}, err
	}
	token, err := newToken()
	if err != nil {
		return filed{}, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO appeals (case_id, ref, category_id, reason_id, territory_id, route_id, org_id,
			lat, lon, cell, address, anonymous, author_key, channel, status, state, photos, flags,
			suggested_reason_id, suggested_confidence, token, created_at, due_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Ref, sub.category.ID, sub.reason.ID, nullID(sub.territory.ID), nullID(route.ID), c.OrgID,
		sub.lat, sub.lon, cellOf(sub.lat, sub.lon), in.Address, in.Anonymous, authorKey, string(c.Channel),
		string(StatusModeration), c.State, len(in.Photos), flags, nullID(sub.suggestedReason), sub.suggestedConfidence, token,
		now, sqldb.Now(c.Legal.Due), now)
	if err != nil {
		return filed{}, fmt.Errorf("appeal: insert appeal of case %d: %w", c.ID, err)
	}
	return filed{c.ID, c.Version}, nil
}

// caseData is what the case keeps sealed of an appeal: the author's text
// and place, and how to reach an author without an account.
func caseData(sub *submission, actor okno.Actor) map[string]any {
	in := sub.in
	d := map[string]any{"text": in.Text, "reason": sub.reason.Code, "category": sub.category.Code,
		"anonymous": in.Anonymous, "territory_id": sub.territory.ID}
	if in.Address != "" {
		d["address"] = in.Address
	}
	if in.HasPoint {
		d["lat"], d["lon"] = in.Lat, in.Lon
	}
	if actor.Kind == okno.ActorCitizen && actor.Name != "" {
		d["author_name"] = actor.Name
	}
	if c := in.Contact; c != (Contact{}) {
		contact := map[string]any{}
		for k, v := range map[string]string{"first_name": c.FirstName, "last_name": c.LastName, "phone": c.Phone,
			"email": c.Email, "device_id": c.DeviceID} {
			if v != "" {
				contact[k] = v
			}
		}
		d["contact"] = contact
		if c.FirstName != "" {
			d["author_name"] = strings.TrimSpace(c.FirstName + " " + c.LastName)
		}
	}
	if in.AuthorHint != "" {
		d["author_hint"] = in.AuthorHint
	}
	return d
}

// recentAppeal is one of an author's appeals within the last day.
type recentAppeal struct {
	caseID    int64
	createdAt time.Time
}

// rateLimit counts the author's appeals over the last hour and day and
// refuses one more over either limit, saying when to try again. It
// returns the author's appeals of the day, newest first.
func (s *Service) rateLimit(ctx context.Context, tx *sqldb.Tx, authorKey string, now time.Time) ([]recentAppeal, error) {
	l := s.d.Limits
	rows, err := tx.QueryContext(ctx, `SELECT case_id, created_at FROM appeals WHERE author_key = ? AND created_at > ?
		ORDER BY created_at DESC LIMIT `+strconv.Itoa(l.PerDay), authorKey, now.Add(-24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("appeal: count the author's appeals: %w", err)
	}
	defer rows.Close()
	var recent []recentAppeal
	hour := 0
	for rows.Next() {
		var r recentAppeal
		if err := rows.Scan(&r.caseID, &r.createdAt); err != nil {
			return nil, err
		}
		if r.createdAt.After(now.Add(-time.Hour)) {
			hour++
		}
		recent = append(recent, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	loc := s.d.Calendars.Current().Location()
	switch {
	case len(recent) >= l.PerDay:
		retry := recent[l.PerDay-1].createdAt.Add(24 * time.Hour)
		return nil, okno.Errorf(okno.ERATELIMITED, "appeal.too_many_day", l.PerDay, retry.In(loc).Format("02.01.2006 15:04"))
	case hour >= l.PerHour:
		retry := recent[l.PerHour-1].createdAt.Add(time.Hour)
		return nil, okno.Errorf(okno.ERATELIMITED, "appeal.too_many", l.PerHour, retry.In(loc).Format("02.01.2006 15:04"))
	}
	return recent, nil
}

// repeats reports whether text is (almost) the text of one of the
// author's recent appeals: the same report filed again and again.
func (s *Service) repeats(ctx context.Context, tx *sqldb.Tx, recent []recentAppeal, text string) bool {
	if len(recent) == 0 {
		return false
	}
	toks := Tokens(text)
	for i, r := range recent {
		if i == repeatLookback {
			break
		}
		d, err := s.d.Cases.DataTx(ctx, tx, r.caseID)
		if err != nil {
			// Screening is advice to moderators: a case that cannot be read
			// here is no reason to refuse the appeal.
			s.d.Logger.Warn("appeal: read a recent appeal for screening", "case", r.caseID, "err", err)
			continue
		}
		if old, _ := d["text"].(string); Similarity(toks, Tokens(old)) >= repeatSimilarity {
			return true
		}
	}
	return false
}

// classify asks the category classifier whether text looks filed under
// the wrong category: then moderators get a flag naming the likelier
// category and, when the model names reasons, the reason it suggests.
func (s *Service) classify(text string, cat Category) (flags []Flag, reasonID int64, confidence float64) {
	sug, ok := s.Misfiled(text, cat.ID)
	if !ok {
		return nil, 0, 0
	}
	flags = []Flag{{Kind: FlagCategory, Detail: sug.CategoryCode, Args: []string{strconv.FormatFloat(sug.Confidence, 'f', 2, 64)}}}
	if sug.ReasonCode == "" {
		return flags, 0, sug.Confidence
	}
	if tax := s.cachedTaxonomy(); tax != nil {
		if r, _, ok := tax.Reason(sug.ReasonCode); ok {
			reasonID = r.ID
		}
	}
	return flags, reasonID, sug.Confidence
}

func encodeFlags(fs []Flag) (string, error) {
	if len(fs) == 0 {
		return "", nil
	}
	b, err := json.Marshal(fs)
	if err != nil {
		return "", fmt.Errorf("appeal: encode flags: %w", err)
	}
	return string(b), nil
}

func decodeFlags(s string) []Flag {
	if s == "" {
		return nil
	}
	var fs []Flag
	if json.Unmarshal([]byte(s), &fs) != nil {
		return nil
	}
	return fs
}

// newToken makes an Open311 token: random, URL-safe, unguessable.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("appeal: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return sqldb.Now(t)
}
