-- The database's change number: every write transaction through the store adds one to it, in the same
-- transaction, whether or not it appends to the audit log. A process that caches what it read (the service's
-- credentials, registry and gate snapshots) keeps it while this number stands still.
ALTER TABLE audit_head ADD COLUMN changes BIGINT NOT NULL DEFAULT 0;
