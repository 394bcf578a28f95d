-- Many processors, one ledger: every batch, part, flow and removal belongs to a processor. The command line's
-- ledger is the processor '' (the case of one); the certification service keeps one per processor
-- organisation. Batch and flow ids are unique per processor.
CREATE TABLE batches_new (
    processor             TEXT NOT NULL DEFAULT '',
    batch_id              TEXT NOT NULL,
    flow_id               TEXT NOT NULL,
    date                  TEXT NOT NULL, -- YYYY-MM-DD
    recipient             TEXT,
    categories            TEXT NOT NULL, -- JSON array
    key_id                TEXT NOT NULL,
    records               BIGINT NOT NULL,
    individuals           BIGINT NOT NULL,
    sensitive_individuals BIGINT NOT NULL,
    parts                 INTEGER NOT NULL,
    fingerprint           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (processor, batch_id)
);
INSERT INTO batches_new (processor, batch_id, flow_id, date, recipient, categories, key_id, records, individuals,
                         sensitive_individuals, parts, fingerprint)
SELECT '', batch_id, flow_id, date, recipient, categories, key_id, records, individuals, sensitive_individuals,
       parts, fingerprint FROM batches;

CREATE TABLE batch_parts_new (
    processor TEXT NOT NULL DEFAULT '',
    batch_id  TEXT NOT NULL,
    part      INTEGER NOT NULL,
    subjects  BLOB NOT NULL,
    sensitive BLOB NOT NULL,
    PRIMARY KEY (processor, batch_id, part),
    FOREIGN KEY (processor, batch_id) REFERENCES batches_new (processor, batch_id)
);
INSERT INTO batch_parts_new (processor, batch_id, part, subjects, sensitive)
SELECT '', batch_id, part, subjects, sensitive FROM batch_parts;

DROP TABLE batch_parts;
DROP TABLE batches;
ALTER TABLE batches_new RENAME TO batches;
ALTER TABLE batch_parts_new RENAME TO batch_parts;
CREATE INDEX batches_by_date ON batches (processor, date);

CREATE TABLE flows_new (
    processor TEXT NOT NULL DEFAULT '',
    id        TEXT NOT NULL,
    settings  TEXT NOT NULL, -- JSON
    PRIMARY KEY (processor, id)
);
INSERT INTO flows_new (processor, id, settings) SELECT '', id, settings FROM flows;
DROP TABLE flows;
ALTER TABLE flows_new RENAME TO flows;

ALTER TABLE removals ADD COLUMN processor TEXT NOT NULL DEFAULT '';
