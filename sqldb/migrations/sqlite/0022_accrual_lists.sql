-- The back office's lists of accruals (accrual.List): newest first by id,
-- for one payee organisation, for one organisation in one status, or in
-- one status across the region (administrators). The unfiltered list of
-- every accrual walks the primary key; the source filter narrows what
-- these find (an organisation takes fines from one or two issuers).
CREATE INDEX accruals_payee_list ON accruals (payee_org_id, id) WHERE payee_org_id IS NOT NULL;
CREATE INDEX accruals_payee_status_list ON accruals (payee_org_id, status, id) WHERE payee_org_id IS NOT NULL;
CREATE INDEX accruals_status_list ON accruals (status, id);
