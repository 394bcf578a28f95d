//! The certification service's records and its hash-chained audit log.
//!
//! Every record is a JSON document with the columns its queries and its authorisation need (see the
//! migration `0004_certify`). Writes go through a [`Write`]: it locks the audit log's head row first, so that
//! writers — in one process or several on one PostgreSQL database — change records and append audit entries
//! one at a time, in one order; a write names the version of a record it read, so an update based on a stale
//! read fails as [`StoreError::Conflict`] instead of overwriting.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::page::{Key, Page, PageRequest};
use crate::{Store, StoreError};

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// What it is (`org`, `user`, `token`, `application`, `certificate`, …).
    pub kind: String,
    /// Its id, unique within its kind.
    pub id: String,
    /// The organisation it belongs to.
    pub org: String,
    /// The other party it is assigned to (a certification body, a regulator), or empty.
    pub party: String,
    /// Its state, or empty.
    pub state: String,
    /// Text a search matches (lower case).
    pub search: String,
    /// The document (JSON).
    pub body: String,
    /// Its version: 1 when inserted, one more at each update.
    pub version: i64,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
    /// The province (GB/T 2260 code) whose regulator has jurisdiction over it, or empty.
    pub province: String,
    /// Its place among the records: assigned when it is inserted (whatever it is set to before), one more
    /// than the record inserted before it, and kept when it changes. Lists are newest first by it.
    pub seq: i64,
}

/// Which records of a kind to list.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Belonging to this organisation.
    pub org: Option<&'a str>,
    /// Assigned to this party.
    pub party: Option<&'a str>,
    /// Belonging to or assigned to this organisation (either column).
    pub org_or_party: Option<&'a str>,
    /// In this state.
    pub state: Option<&'a str>,
    /// Whose search text contains this (lower-cased by the caller).
    pub search: Option<&'a str>,
    /// In one of these states.
    pub states: Option<&'a [&'a str]>,
    /// In this province's jurisdiction (a GB/T 2260 code).
    pub province: Option<&'a str>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its position, from 1.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who (a user id, `public`, `admin`, `system`).
    pub actor: String,
    /// What was done (`application.submit`, `certificate.suspend`, …).
    pub action: String,
    /// To what (`application/ID`, `certificate/NUMBER`, …).
    pub subject: String,
    /// The decision or change, as JSON.
    pub content: String,
    /// The previous entry's hash (64 zeros for the first).
    pub prev: String,
    /// SHA-256 over the previous hash and this entry's fields.
    pub hash: String,
}

/// The hash of the first entry's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash an entry must carry: SHA-256 over its predecessor's hash and its own fields, each length-prefixed
/// so that no two different entries hash alike by moving text between fields.
pub fn entry_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    content: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for field in [prev, seq.as_str(), at, actor, action, subject, content] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The first entry of a chain that does not verify, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log entry {seq}: {reason}")]
pub struct ChainBreak {
    /// The first bad entry (or the head's position, when entries are missing at the end).
    pub seq: i64,
    /// What is wrong with it.
    pub reason: String,
}

/// Checks a chain read in order of `seq` against the head row; returns the number of entries.
pub fn verify_chain(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    for e in entries {
        let brk = |reason: String| ChainBreak { seq: e.seq, reason };
        if e.seq != expected_seq {
            return Err(ChainBreak {
                seq: expected_seq,
                reason: format!(
                    "missing or reordered: the next entry found is {} (an entry was deleted or renumbered)",
                    e.seq
                ),
            });
        }
        if e.prev != prev {
            return Err(brk("it does not follow the entry before it (its `prev` differs): entries were reordered or one was removed".into()));
        }
        let hash = entry_hash(
            &e.prev, e.seq, &e.at, &e.actor, &e.action, &e.subject, &e.content,
        );
        if hash != e.hash {
            return Err(brk(
                "its content does not match its hash: it was edited".into()
            ));
        }
        prev = e.hash.clone();
        expected_seq += 1;
    }
    let count = expected_seq - 1;
    if head.0 != count || head.1 != prev {
        return Err(ChainBreak {
            seq: count + 1,
            reason: format!(
                "the log ends at entry {count} but its head records entry {}: entries at the end were deleted",
                head.0
            ),
        });
    }
    Ok(count)
}

/// Runs `$body` with `$tx` bound to the write's connection, whichever backend it is, as one statement of the
/// write's transaction: a statement that fails (or is cut short) leaves the transaction unsound, and its
/// connection is closed rather than reused (see [`crate::tx`]).
macro_rules! on_tx {
    ($self:expr, $tx:ident => $body:expr) => {{
        let conn = $self.tx.statement()?;
        let result: Result<_, StoreError> = async {
            Ok(match conn {
                crate::tx::Conn::Sqlite($tx) => $body,
                crate::tx::Conn::Postgres($tx) => $body,
            })
        }
        .await;
        if result.is_ok() {
            $self.tx.succeeded();
        }
        result?
    }};
}

/// One serialised write: records, counters, blobs and audit entries, committed together or not at all.
#[derive(Debug)]
pub struct Write {
    tx: crate::tx::Tx,
    watch: std::sync::Arc<crate::changes::Watch>,
}

macro_rules! record_from_row {
    ($r:expr) => {
        Record {
            kind: $r.try_get("kind")?,
            id: $r.try_get("id")?,
            org: $r.try_get("org")?,
            party: $r.try_get("party")?,
            state: $r.try_get("state")?,
            search: $r.try_get("search")?,
            body: $r.try_get("body")?,
            version: $r.try_get("version")?,
            updated_at: $r.try_get("updated_at")?,
            seq: $r.try_get("seq")?,
            province: $r.try_get("province")?,
        }
    };
}

macro_rules! audit_entry {
    ($r:expr) => {
        AuditEntry {
            seq: $r.try_get("seq")?,
            at: $r.try_get("at")?,
            actor: $r.try_get("actor")?,
            action: $r.try_get("action")?,
            subject: $r.try_get("subject")?,
            content: $r.try_get("content")?,
            prev: $r.try_get("prev")?,
            hash: $r.try_get("hash")?,
        }
    };
}

const SELECT_RECORD: &str = "SELECT kind, id, org, party, state, search, body, version, updated_at, seq, province FROM records";

/// The conditions of a [`Filter`], on parameters `$2` to `$8` (`$1` is the kind); an absent one compares a
/// NULL and passes. A set of states is bound as `,a,b,` and matched by the record's `,state,` in it.
const FILTERED: &str = "WHERE kind = $1 AND ($2 IS NULL OR org = $2) AND ($3 IS NULL OR party = $3) \
     AND ($4 IS NULL OR org = $4 OR party = $4) AND ($5 IS NULL OR state = $5) \
     AND ($6 IS NULL OR search LIKE $6) AND ($7 IS NULL OR $7 LIKE '%,' || state || ',%') \
     AND ($8 IS NULL OR province = $8)";

/// Binds a filter's `$1` to `$8` to a query.
macro_rules! bind_filter {
    ($query:expr, $kind:expr, $f:expr) => {{
        let f = $f;
        let like = f.search.map(|s| format!("%{}%", s.replace(['%', '_'], "")));
        // States hold neither commas nor LIKE's wildcards (snake_case names).
        let states = f.states.map(|s| format!(",{},", s.join(",")));
        $query
            .bind($kind)
            .bind(f.org)
            .bind(f.party)
            .bind(f.org_or_party)
            .bind(f.state)
            .bind(like)
            .bind(states)
            .bind(f.province)
    }};
}

impl Store {
    /// Starts a write: every other write, in any process, waits until this one commits or is dropped.
    pub async fn write(&self) -> Result<Write, StoreError> {
        let mut w = Write {
            tx: crate::tx::Tx::begin(&self.backend).await?,
            watch: std::sync::Arc::clone(&self.watch),
        };
        // A write first: PostgreSQL locks the head row until commit (SQLite holds its write lock since BEGIN
        // IMMEDIATE). It is the change number's step.
        on_tx!(w, tx => { crate::bump_changes!(&mut **tx); });
        Ok(w)
    }

    /// A record, if present.
    pub async fn record(&self, kind: &str, id: &str) -> Result<Option<Record>, StoreError> {
        Ok(on_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_RECORD} WHERE kind = $1 AND id = $2")))
                .bind(kind)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(r) => Some(record_from_row!(r)),
                None => None,
            }
        }))
    }

    /// Every record of `kind` that passes `f`, oldest first: for the use cases that must see all of them (a
    /// processor's certificates at the gate, the registry). Lists shown to people are read by
    /// [`Store::records_page`].
    pub async fn records(&self, kind: &str, f: &Filter<'_>) -> Result<Vec<Record>, StoreError> {
        let sql = format!("{SELECT_RECORD} {FILTERED} ORDER BY seq");
        Ok(on_pool!(self, pool => {
            let rows = bind_filter!(sqlx::query(sqlx::AssertSqlSafe(sql)), kind, f)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(record_from_row!(r));
            }
            out
        }))
    }

    /// A page of the records of `kind` that pass `f`, newest first, with how many pass.
    pub async fn records_page(
        &self,
        kind: &str,
        f: &Filter<'_>,
        req: &PageRequest,
    ) -> Result<Page<Record>, StoreError> {
        let sql = format!("{SELECT_RECORD} {FILTERED} AND seq < $9 ORDER BY seq DESC LIMIT $10");
        let count = format!("SELECT COUNT(*) AS n FROM records {FILTERED}");
        let after = req.after_seq()?;
        on_pool!(self, pool => {
            let rows = bind_filter!(sqlx::query(sqlx::AssertSqlSafe(sql)), kind, f)
                .bind(after)
                .bind(i64::from(req.limit()) + 1)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(record_from_row!(r));
            }
            let total: i64 = bind_filter!(sqlx::query(sqlx::AssertSqlSafe(count)), kind, f)
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            Ok(req.page(out, crate::to_u64(total, "record count")?, |r: &Record| Key::Seq(r.seq)))
        })
    }

    /// A stored blob.
    pub async fn blob(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(
            on_pool!(self, pool => sqlx::query("SELECT data FROM blobs WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<Vec<u8>, _>("data"))
            .transpose()?),
        )
    }

    /// The audit log in order, and its head (last sequence, last hash).
    pub async fn audit_log(&self) -> Result<(Vec<AuditEntry>, (i64, String)), StoreError> {
        Ok(on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, subject, content, prev, hash FROM audit_log ORDER BY seq")
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(audit_entry!(r));
            }
            let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?;
            (out, (head.try_get("seq")?, head.try_get("hash")?))
        }))
    }

    /// A page of the audit log, newest entry first, with how many entries it holds.
    pub async fn audit_page(&self, req: &PageRequest) -> Result<Page<AuditEntry>, StoreError> {
        let after = req.after_seq()?;
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, subject, content, prev, hash FROM audit_log \
                 WHERE seq < $1 ORDER BY seq DESC LIMIT $2")
                .bind(after)
                .bind(i64::from(req.limit()) + 1)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(audit_entry!(r));
            }
            let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            Ok(req.page(out, crate::to_u64(total, "audit count")?, |e: &AuditEntry| Key::Seq(e.seq)))
        })
    }

    /// The size of the parts a batch's sets are stored in.
    pub fn part_hashes(&self) -> usize {
        self.part_hashes
    }

    /// Verifies the audit log: the number of entries, or the first bad one.
    pub async fn verify_audit(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        let (entries, (seq, hash)) = self.audit_log().await?;
        Ok(verify_chain(&entries, (seq, &hash)))
    }
}

impl Write {
    /// A record, if present, as this write sees it.
    pub async fn get(&mut self, kind: &str, id: &str) -> Result<Option<Record>, StoreError> {
        Ok(on_tx!(self, tx => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_RECORD} WHERE kind = $1 AND id = $2")))
                .bind(kind)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            match row {
                Some(r) => Some(record_from_row!(r)),
                None => None,
            }
        }))
    }

    /// Every record of `kind` that passes `f`, oldest first, as this write sees them.
    pub async fn records(&mut self, kind: &str, f: &Filter<'_>) -> Result<Vec<Record>, StoreError> {
        let sql = format!("{SELECT_RECORD} {FILTERED} ORDER BY seq");
        Ok(on_tx!(self, tx => {
            let rows = bind_filter!(sqlx::query(sqlx::AssertSqlSafe(sql)), kind, f)
                .fetch_all(&mut **tx)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(record_from_row!(r));
            }
            out
        }))
    }

    /// Inserts a new record (its `version` is set to 1, its `seq` to the next number); one with the same
    /// kind and id is a conflict.
    pub async fn insert(&mut self, r: &Record) -> Result<(), StoreError> {
        let seq = i64::try_from(self.next("records").await?)
            .map_err(|_| StoreError::Range("record numbers are exhausted".into()))?;
        let n = on_tx!(self, tx => sqlx::query(
            "INSERT INTO records (kind, id, org, party, state, search, body, version, updated_at, seq, province) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10) ON CONFLICT (kind, id) DO NOTHING")
            .bind(&r.kind).bind(&r.id).bind(&r.org).bind(&r.party).bind(&r.state).bind(&r.search)
            .bind(&r.body).bind(&r.updated_at).bind(seq).bind(&r.province)
            .execute(&mut **tx).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Conflict(format!(
                "{} `{}` already exists",
                r.kind, r.id
            )));
        }
        Ok(())
    }

    /// Replaces a record read at `r.version`; the stored version becomes one more. A record changed since
    /// it was read is a conflict, never overwritten.
    pub async fn update(&mut self, r: &Record) -> Result<(), StoreError> {
        let n = on_tx!(self, tx => sqlx::query(
            "UPDATE records SET org = $3, party = $4, state = $5, search = $6, body = $7, \
             version = version + 1, updated_at = $8, province = $10 WHERE kind = $1 AND id = $2 AND version = $9")
            .bind(&r.kind).bind(&r.id).bind(&r.org).bind(&r.party).bind(&r.state).bind(&r.search)
            .bind(&r.body).bind(&r.updated_at).bind(r.version).bind(&r.province)
            .execute(&mut **tx).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Conflict(format!(
                "{} `{}` changed since version {} was read",
                r.kind, r.id, r.version
            )));
        }
        Ok(())
    }

    /// The next value of a counter, from 1: never the same value twice, in any process.
    pub async fn next(&mut self, counter: &str) -> Result<u64, StoreError> {
        let v: i64 = on_tx!(self, tx => sqlx::query(
            "INSERT INTO counters (name, value) VALUES ($1, 1) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value")
            .bind(counter)
            .fetch_one(&mut **tx).await?.try_get("value")?);
        crate::to_u64(v, "counter")
    }

    /// Stores a blob under a new id.
    pub async fn put_blob(&mut self, id: &str, data: &[u8]) -> Result<(), StoreError> {
        on_tx!(self, tx => sqlx::query(
            "INSERT INTO blobs (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data")
            .bind(id).bind(data)
            .execute(&mut **tx).await?.rows_affected());
        Ok(())
    }

    /// Appends an entry to the audit log; returns its sequence number.
    pub async fn audit(
        &mut self,
        at: &str,
        actor: &str,
        action: &str,
        subject: &str,
        content: &str,
    ) -> Result<i64, StoreError> {
        let (seq, prev): (i64, String) = on_tx!(self, tx => {
            let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut **tx).await?;
            (r.try_get("seq")?, r.try_get("hash")?)
        });
        let seq = seq + 1;
        let hash = entry_hash(&prev, seq, at, actor, action, subject, content);
        on_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO audit_log (seq, at, actor, action, subject, content, prev, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(seq).bind(at).bind(actor).bind(action).bind(subject).bind(content).bind(&prev).bind(&hash)
                .execute(&mut **tx).await?;
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(seq).bind(&hash)
                .execute(&mut **tx).await?;
        });
        Ok(seq)
    }

    /// The facts recorded of processor `processor`, read inside this write (so that a change to them is
    /// made on what no other write can change meanwhile).
    pub async fn processor(
        &mut self,
        processor: &str,
    ) -> Result<Option<chujing_ledger::ProcessorSettings>, StoreError> {
        let key = crate::processor_key(processor);
        let json: Option<String> = on_tx!(self, tx => sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(&key)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get::<String, _>("value"))
            .transpose()?);
        json.map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| StoreError::Corrupt(format!("processor settings: {e}")))
        })
        .transpose()
    }

    /// Records the facts of processor `processor` with this write: they and the audit entry that records
    /// the change commit together.
    pub async fn set_processor(
        &mut self,
        processor: &str,
        p: &chujing_ledger::ProcessorSettings,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.set_setting(&crate::processor_key(processor), &json)
            .await
    }

    /// A setting, as this write sees it.
    pub async fn setting(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            on_tx!(self, tx => sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get::<String, _>("value"))
            .transpose()?),
        )
    }

    /// Stores a setting with this write.
    pub async fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        on_tx!(self, tx => sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key).bind(value)
            .execute(&mut **tx).await?.rows_affected());
        Ok(())
    }

    /// Stores the settings of a flow of processor `processor` with this write.
    pub async fn set_flow(
        &mut self,
        processor: &str,
        flow: &chujing_ledger::FlowSettings,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(flow).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        on_tx!(self, tx => sqlx::query(
            "INSERT INTO flows (processor, id, settings) VALUES ($3, $1, $2) \
             ON CONFLICT (processor, id) DO UPDATE SET settings = excluded.settings")
            .bind(&flow.id).bind(&json).bind(processor)
            .execute(&mut **tx).await?.rows_affected());
        Ok(())
    }

    /// What is known of batch `batch_id` of processor `processor`, as this write sees it.
    pub async fn batch_meta(
        &mut self,
        processor: &str,
        batch_id: &str,
    ) -> Result<Option<chujing_ledger::BatchMeta>, StoreError> {
        Ok(on_tx!(self, tx => {
            let row = sqlx::query(crate::select_meta!("WHERE processor = $2 AND batch_id = $1"))
                .bind(batch_id)
                .bind(processor)
                .fetch_optional(&mut **tx)
                .await?;
            row.map(|r| crate::meta_from_row!(r)).transpose()?
        }))
    }

    /// Takes the rows of processor `processor` out of the ledger's own flows table (their flows now kept as
    /// records).
    pub async fn clear_ledger_flows(&mut self, processor: &str) -> Result<(), StoreError> {
        on_tx!(self, tx => sqlx::query("DELETE FROM flows WHERE processor = $1")
            .bind(processor)
            .execute(&mut **tx)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Moves everything of ledger processor `from` — batches with their parts, flows, removals and facts — to
    /// processor `to`, with this write (the command line's unnamed processor becoming an organisation).
    pub async fn move_processor(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        let to_key = crate::processor_key(to);
        let from_key = crate::processor_key(from);
        on_tx!(self, tx => {
            // The parts refer to their batch: the batches are copied first, the parts moved, the old rows
            // taken away.
            sqlx::query(
                "INSERT INTO batches (processor, batch_id, flow_id, date, recipient, categories, key_id, records, \
                 individuals, sensitive_individuals, parts, fingerprint) \
                 SELECT $2, batch_id, flow_id, date, recipient, categories, key_id, records, individuals, \
                 sensitive_individuals, parts, fingerprint FROM batches WHERE processor = $1")
                .bind(from).bind(to).execute(&mut **tx).await?;
            for sql in [
                "UPDATE batch_parts SET processor = $2 WHERE processor = $1",
                "DELETE FROM batches WHERE processor = $1 AND $2 <> ''",
                "UPDATE flows SET processor = $2 WHERE processor = $1",
                "UPDATE removals SET processor = $2 WHERE processor = $1",
            ] {
                sqlx::query(sql).bind(from).bind(to).execute(&mut **tx).await?;
            }
            sqlx::query(
                "INSERT INTO settings (key, value) SELECT $2, value FROM settings WHERE key = $1 \
                 ON CONFLICT (key) DO NOTHING")
                .bind(&from_key).bind(&to_key).execute(&mut **tx).await?;
            sqlx::query("DELETE FROM settings WHERE key = $1")
                .bind(&from_key).execute(&mut **tx).await?;
        });
        Ok(())
    }

    /// Takes batch `meta` of processor `processor` out of the ledger with this write, recording why and when
    /// in the removals (a count never shrinks without a trace).
    pub async fn remove_batch(
        &mut self,
        processor: &str,
        meta: &chujing_ledger::BatchMeta,
        reason: &str,
        removed_at: &str,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(meta).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        on_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO removals (seq, batch_id, batch, reason, removed_at, processor) \
                 SELECT COALESCE(MAX(seq), 0) + 1, $1, $2, $3, $4, $5 FROM removals")
                .bind(&meta.batch_id).bind(&json).bind(reason).bind(removed_at).bind(processor)
                .execute(&mut **tx).await?;
            sqlx::query("DELETE FROM batch_parts WHERE processor = $2 AND batch_id = $1")
                .bind(&meta.batch_id).bind(processor)
                .execute(&mut **tx).await?;
            sqlx::query("DELETE FROM batches WHERE processor = $2 AND batch_id = $1")
                .bind(&meta.batch_id).bind(processor)
                .execute(&mut **tx).await?;
        });
        Ok(())
    }

    /// Stores a ledger batch of processor `processor` with this write: the batch and the audit entry that
    /// records it commit together. A batch id the processor has already is left alone.
    pub async fn insert_batch(
        &mut self,
        processor: &str,
        batch: &chujing_ledger::StoredBatch,
        part_hashes: usize,
    ) -> Result<chujing_ledger::Insert, StoreError> {
        let rows = crate::BatchRows::new(batch, part_hashes)?;
        Ok(on_tx!(self, tx => crate::insert_batch_in!(&mut **tx, processor, rows)))
    }

    /// The change number the database had when this write began: with the head locked, no other write can
    /// change it, so a view read at this number ([`Store::changes`]) is current for the whole write.
    pub async fn changes_before(&mut self) -> Result<i64, StoreError> {
        let now: i64 = on_tx!(self, tx => sqlx::query("SELECT changes FROM audit_head WHERE id = 1")
            .fetch_one(&mut **tx)
            .await?
            .try_get("changes")?);
        // The write's first statement added one.
        Ok(now - 1)
    }

    /// Commits everything written. `Ok` only once the database has made it durable; after an error nothing
    /// of the write is to be taken as recorded (its connection is closed, which ends the transaction).
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        self.watch.committed();
        Ok(())
    }
}
