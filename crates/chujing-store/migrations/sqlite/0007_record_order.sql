-- Lists newest first, page by page: each record's creation number, from the counter `records` (a record
-- keeps its number when it changes, so that a list read page by page neither skips nor repeats a record that
-- changes meanwhile). Records made before this migration are numbered in the order they last changed.
ALTER TABLE records ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE records SET seq = numbered.n
FROM (SELECT kind, id, ROW_NUMBER() OVER (ORDER BY updated_at, kind, id) AS n FROM records) AS numbered
WHERE records.kind = numbered.kind AND records.id = numbered.id;
INSERT INTO counters (name, value) SELECT 'records', COALESCE(MAX(seq), 0) FROM records WHERE TRUE
-- (`WHERE TRUE`: SQLite reads an upsert after a SELECT only with a WHERE clause.)
ON CONFLICT (name) DO UPDATE SET value = excluded.value;
CREATE INDEX records_by_seq ON records (kind, seq);
