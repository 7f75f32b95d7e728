package application

// Consent to personal-data processing (согласие на обработку персональных
// данных, 152-ФЗ ст. 9): asked on submit when the service's body requests
// the applicant's data from other bodies, and kept as an object — who
// consented, to what purpose, for which application, when, and exactly
// which legal text they were shown (its version and digest).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/sqldb"
)

// ConsentPurpose is the purpose the consent is given for.
const ConsentPurpose = "interagency_requests"

// ConsentVersion names the consent text below; change it with the text.
const ConsentVersion = "2026-11"

// ConsentText is the consent the check page shows next to its checkbox,
// word for word: its digest is recorded with every consent given.
var ConsentText = catalog.Text{
	"ru": "Я даю согласие на обработку моих персональных данных, указанных в заявлении, " +
		"органу, предоставляющему услугу, в том числе на их получение по межведомственным запросам " +
		"из других органов и организаций, в целях предоставления услуги (ст. 9 Федерального закона " +
		"от 27.07.2006 № 152-ФЗ «О персональных данных»). Согласие действует до достижения цели " +
		"обработки и может быть отозвано письменным заявлением.",
	"en": "I consent to the body providing the service processing the personal data given in this " +
		"application, including obtaining it from other bodies and organisations by interagency " +
		"requests, in order to provide the service (Article 9 of Federal Law No. 152-FZ of 27 July " +
		"2006 on personal data). The consent lasts until the purpose is achieved and may be " +
		"withdrawn in writing.",
}

// consentDigest is the SHA-256 of the Russian text, the one that binds.
var consentDigest = func() string {
	sum := sha256.Sum256([]byte(ConsentText["ru"]))
	return hex.EncodeToString(sum[:])
}()

// recordConsent writes the consent given with an application and its
// audit entry, in tx (the audit entry last).
func (s *Service) recordConsent(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, caseID, serviceID int64, at time.Time) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO consents (user_id, case_id, service_id, purpose, text_version, text_digest, given_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, actor.UserID, caseID, serviceID, ConsentPurpose, ConsentVersion,
		consentDigest, at).Scan(&id); err != nil {
		return fmt.Errorf("application: record consent for case %d: %w", caseID, err)
	}
	_, err := s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "application.consent", ObjectType: "consent",
		ObjectID: strconv.FormatInt(id, 10), After: audit.Digest(map[string]any{"user": actor.UserID, "case": caseID,
			"service": serviceID, "purpose": ConsentPurpose, "version": ConsentVersion, "digest": consentDigest})})
	if err != nil {
		return fmt.Errorf("application: audit consent: %w", err)
	}
	return nil
}
