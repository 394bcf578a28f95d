-- Jurisdiction by code: the province (GB/T 2260 code) whose regulator has jurisdiction over a record — the
-- processor's, for its applications, certificates, filings, orders and cases; the one a violation report names
-- or concerns. Empty where none. Filled for existing records by the service on its first start after this
-- migration (the codes are read from names there, by the same table that reads them everywhere).
ALTER TABLE records ADD COLUMN province TEXT NOT NULL DEFAULT '';
CREATE INDEX records_by_province ON records (kind, province, seq);
