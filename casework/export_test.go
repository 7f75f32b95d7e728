package casework

// ClaimDueQuery is the scheduler's claiming SELECT, for the test of its
// query plan.
const ClaimDueQuery = claimDue
