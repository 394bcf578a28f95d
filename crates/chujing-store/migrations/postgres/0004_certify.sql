-- The certification service: every record (organisation, user, token, application, certificate, report,
-- order, platform report, case) is a JSON document with the columns its queries and its authorisation need:
-- the organisation it belongs to (org), the other party (party), its state and a search text. `version`
-- guards against lost updates: a write names the version it read.
CREATE TABLE records (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    org        TEXT NOT NULL,
    party      TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL DEFAULT '',
    search     TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    version    BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX records_by_org ON records (kind, org);
CREATE INDEX records_by_party ON records (kind, party);

-- Uploaded materials, encrypted by the service before they reach the database.
CREATE TABLE blobs (
    id   TEXT PRIMARY KEY NOT NULL,
    data BYTEA NOT NULL
);

-- Sequences allocated inside a write (certificate numbers per year): never the same value twice.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);

-- The audit log: each entry commits to the previous one and to its content (SHA-256). The head row holds the
-- last entry's sequence and hash, and every write locks it first, so writers from several processes append in
-- one order, and a deleted last entry is seen.
CREATE TABLE audit_log (
    seq     BIGINT PRIMARY KEY NOT NULL,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    content TEXT NOT NULL,
    prev    TEXT NOT NULL,
    hash    TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
