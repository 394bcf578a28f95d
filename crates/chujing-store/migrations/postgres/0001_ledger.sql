-- The ledger: batches with their subject sets (sorted 16-byte keyed hashes, split into parts),
-- flow settings and processor settings.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE flows (
    id       TEXT PRIMARY KEY NOT NULL,
    settings TEXT NOT NULL -- JSON
);

CREATE TABLE batches (
    batch_id              TEXT PRIMARY KEY NOT NULL,
    flow_id               TEXT NOT NULL,
    date                  TEXT NOT NULL, -- YYYY-MM-DD
    recipient             TEXT,
    categories            TEXT NOT NULL, -- JSON array
    key_id                TEXT NOT NULL,
    records               BIGINT NOT NULL,
    individuals           BIGINT NOT NULL,
    sensitive_individuals BIGINT NOT NULL,
    parts                 INTEGER NOT NULL
);
CREATE INDEX batches_by_date ON batches (date);

CREATE TABLE batch_parts (
    batch_id  TEXT NOT NULL REFERENCES batches (batch_id),
    part      INTEGER NOT NULL,
    subjects  BYTEA NOT NULL,
    sensitive BYTEA NOT NULL,
    PRIMARY KEY (batch_id, part)
);
