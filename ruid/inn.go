package ruid

import "strings"

// INN validates an ИНН of either kind — 10 digits for an organisation, 12 for
// a person or sole trader — and returns its digits. Errors: "ruid.required",
// "ruid.inn_format", "ruid.inn_checksum".
func INN(s string) (string, error) {
	d, err := innDigits(s)
	if err != nil {
		return "", err
	}
	switch len(d) {
	case 10:
		return orValue(d, checkOrgINN(d))
	case 12:
		return orValue(d, checkPersonINN(d))
	}
	return "", invalid("ruid.inn_format")
}

// orValue returns d when err is nil, and no value otherwise: a caller that
// forgets to check err must not store an invalid number.
func orValue(d string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return d, nil
}

// PersonINN validates the 12-digit ИНН of a person or sole trader.
// Errors: "ruid.required", "ruid.inn_person_format", "ruid.inn_checksum".
func PersonINN(s string) (string, error) {
	d, err := innDigits(s)
	if err != nil {
		return "", err
	}
	if len(d) != 12 {
		return "", invalid("ruid.inn_person_format")
	}
	return orValue(d, checkPersonINN(d))
}

// OrgINN validates the 10-digit ИНН of an organisation.
// Errors: "ruid.required", "ruid.inn_org_format", "ruid.inn_checksum".
func OrgINN(s string) (string, error) {
	d, err := innDigits(s)
	if err != nil {
		return "", err
	}
	if len(d) != 10 {
		return "", invalid("ruid.inn_org_format")
	}
	return orValue(d, checkOrgINN(d))
}

func innDigits(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("ruid.required")
	}
	d, ok := digitsOnly(s)
	if !ok {
		return "", invalid("ruid.inn_format")
	}
	return d, nil
}

// The Federal Tax Service's check-digit weights.
var (
	innWeights10 = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights11 = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights12 = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
)

func checkOrgINN(d string) error {
	if weighted(d, innWeights10)%11%10 != int(d[9]-'0') {
		return invalid("ruid.inn_checksum")
	}
	return nil
}

func checkPersonINN(d string) error {
	if weighted(d, innWeights11)%11%10 != int(d[10]-'0') ||
		weighted(d, innWeights12)%11%10 != int(d[11]-'0') {
		return invalid("ruid.inn_checksum")
	}
	return nil
}

// OGRN validates the 13-digit ОГРН of an organisation: its last digit is the
// first twelve taken as a number modulo 11, then modulo 10.
// Errors: "ruid.required", "ruid.ogrn_format", "ruid.ogrn_checksum".
func OGRN(s string) (string, error) {
	return registrationNumber(s, 13, 11, "ruid.ogrn_format", "ruid.ogrn_checksum")
}

// OGRNIP validates the 15-digit ОГРНИП of a sole trader: its last digit is
// the first fourteen taken as a number modulo 13, then modulo 10.
// Errors: "ruid.required", "ruid.ogrnip_format", "ruid.ogrnip_checksum".
func OGRNIP(s string) (string, error) {
	return registrationNumber(s, 15, 13, "ruid.ogrnip_format", "ruid.ogrnip_checksum")
}

func registrationNumber(s string, length, modulus int, formatKey, checksumKey string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("ruid.required")
	}
	d, ok := digitsOnly(s)
	if !ok || len(d) != length {
		return "", invalid(formatKey)
	}
	// Long division digit by digit: the number does not fit every int on
	// every platform, and the remainder is all we need.
	rem := 0
	for i := 0; i < length-1; i++ {
		rem = (rem*10 + int(d[i]-'0')) % modulus
	}
	if rem%10 != int(d[length-1]-'0') {
		return "", invalid(checksumKey)
	}
	return d, nil
}
