package storetest_test

import "time"

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 123456789, time.UTC)
