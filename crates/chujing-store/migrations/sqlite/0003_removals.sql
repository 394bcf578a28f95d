-- Batches taken out of the ledger (`chujing ledger remove`), with why and when: a count never shrinks without
-- a trace. `batch` is the batch's metadata as it was (JSON).
CREATE TABLE removals (
    seq        INTEGER NOT NULL,
    batch_id   TEXT NOT NULL,
    batch      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    removed_at TEXT NOT NULL,
    PRIMARY KEY (seq)
);
