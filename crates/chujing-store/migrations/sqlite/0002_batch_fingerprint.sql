-- What each batch id stands for: FLOW:DATE:HASH over the ingest options and the input's bytes (the default
-- batch id). Batches stored before it was recorded have it empty.
ALTER TABLE batches ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
