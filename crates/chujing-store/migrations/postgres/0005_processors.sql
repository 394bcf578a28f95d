-- Many processors, one ledger: every batch, part, flow and removal belongs to a processor. The command line's
-- ledger is the processor '' (the case of one); the certification service keeps one per processor
-- organisation. Batch and flow ids are unique per processor.
ALTER TABLE batch_parts DROP CONSTRAINT batch_parts_batch_id_fkey;
ALTER TABLE batch_parts DROP CONSTRAINT batch_parts_pkey;
ALTER TABLE batches DROP CONSTRAINT batches_pkey;
ALTER TABLE batches ADD COLUMN processor TEXT NOT NULL DEFAULT '';
ALTER TABLE batch_parts ADD COLUMN processor TEXT NOT NULL DEFAULT '';
ALTER TABLE batches ADD PRIMARY KEY (processor, batch_id);
ALTER TABLE batch_parts ADD PRIMARY KEY (processor, batch_id, part);
ALTER TABLE batch_parts ADD FOREIGN KEY (processor, batch_id) REFERENCES batches (processor, batch_id);
DROP INDEX batches_by_date;
CREATE INDEX batches_by_date ON batches (processor, date);

ALTER TABLE flows DROP CONSTRAINT flows_pkey;
ALTER TABLE flows ADD COLUMN processor TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD PRIMARY KEY (processor, id);

ALTER TABLE removals ADD COLUMN processor TEXT NOT NULL DEFAULT '';
