//! The ledger's count of one batch, on DataFusion: every record's key normalised and hashed, the distinct
//! hashes of all and of sensitive records, and what could not be counted.

use chujing_ledger::{SetBuilder, SubjectHasher, SubjectSet};
use datafusion::arrow::array::{Array, Int64Array, LargeBinaryArray, StringArray, UInt8Array};
use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::SessionContext;

use crate::dataset::{Dataset, DatasetFile, DatasetFormat, collect, quoted};
use crate::error::EngineError;
use crate::udf::session;

/// What to count.
#[derive(Debug, Clone)]
pub struct CountRequest {
    /// A file, a directory or a glob.
    pub dataset: String,
    /// The column holding the subject key (JSON Lines and Parquet: a dotted path into nested fields).
    pub subject_column: String,
    /// A yes/no column saying whether the record carries sensitive PI.
    pub sensitive_column: Option<String>,
    /// Every record carries sensitive PI.
    pub all_sensitive: bool,
}

/// The count of one batch.
#[derive(Debug, Clone)]
pub struct BatchCount {
    /// The files read, sorted.
    pub files: Vec<DatasetFile>,
    /// Their format.
    pub format: DatasetFormat,
    /// Records whose key was counted.
    pub records: u64,
    /// Records whose subject key was empty once normalised (not counted: no one is named).
    pub empty_keys: u64,
    /// Counted records whose sensitivity flag could not be read: they are in `sensitive`, the conservative
    /// reading; the caller refuses them unless told to count them so.
    pub unreadable_flags: u64,
    /// Every distinct individual.
    pub subjects: SubjectSet,
    /// The distinct individuals of records marked sensitive (and of those whose flag was unreadable).
    pub sensitive: SubjectSet,
}

/// Counts `request` on this machine's cores.
pub fn count(hasher: &SubjectHasher, request: &CountRequest) -> Result<BatchCount, EngineError> {
    on_own_runtime(|| async {
        let ctx = session(hasher);
        count_async(&ctx, hasher.key_id(), request).await
    })
}

/// Runs `work` on a multi-threaded runtime of its own, on a thread of its own, so that the engine may be
/// called from synchronous code and from within another runtime alike.
pub(crate) fn on_own_runtime<T, F>(work: impl FnOnce() -> F + Send) -> Result<T, EngineError>
where
    T: Send,
    F: std::future::Future<Output = Result<T, EngineError>>,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(work())
            })
            .join()
            .unwrap_or_else(|_| Err(EngineError::Input("the engine's thread failed".into())))
    })
}

/// Counts `request` in `ctx`, which has chujing's functions registered; every worker must hash under the key
/// `hasher_id` names.
pub async fn count_async(
    ctx: &SessionContext,
    hasher_id: &str,
    request: &CountRequest,
) -> Result<BatchCount, EngineError> {
    let (dataset, schema) = Dataset::open(ctx, &request.dataset, "batch").await?;
    // A delimited header that names a column twice (JSON Lines and Parquet have no header to repeat a name).
    let named = std::iter::once(&request.subject_column).chain(&request.sensitive_column);
    for column in named {
        if dataset.header.iter().filter(|h| *h == column).count() > 1 {
            return Err(EngineError::Input(format!(
                "{}: line 1: the header names `{column}` more than once; which one holds it is ambiguous: \
                 rename the duplicates; nothing was read",
                dataset.location
            )));
        }
    }
    let subject = column_expr(&schema, &request.subject_column, &dataset)?;
    let flag = match &request.sensitive_column {
        Some(name) => format!(
            "chujing_sensitivity({})",
            column_expr(&schema, name, &dataset)?
        ),
        None => format!("CAST({} AS TINYINT)", u8::from(request.all_sensitive)),
    };
    // One pass: the bucket of every hash (NULL for an empty key) splits the sets into disjoint ranges that
    // DataFusion builds in parallel; the NULL bucket's row counts the empty keys.
    let sql = format!(
        "SELECT chujing_hash_bucket(h) AS bucket, count(*) AS records, \
                sum(CASE WHEN f = 2 THEN 1 ELSE 0 END) AS unreadable, \
                chujing_subject_set(h) AS subjects, \
                chujing_subject_set(CASE WHEN f >= 1 THEN h END) AS sensitive, \
                min(chujing_key_id(h)) AS key_min, max(chujing_key_id(h)) AS key_max \
         FROM (SELECT chujing_subject_hash({subject}) AS h, {flag} AS f FROM batch) \
         GROUP BY chujing_hash_bucket(h)"
    );
    let batches = collect(ctx, &sql, format!("{}: counting failed", dataset.location)).await?;
    let mut tally = Tally::default();
    for batch in &batches {
        tally.add(batch)?;
    }
    if let Some(other) = tally.key_ids.iter().find(|id| *id != hasher_id) {
        return Err(EngineError::Input(format!(
            "a worker hashed under key {other}, not this ledger's key {hasher_id}: its pseudonyms would not match the \
             ledger's, so nothing was counted; start every executor with this ledger's key"
        )));
    }
    Ok(BatchCount {
        files: dataset.files,
        format: dataset.format,
        records: tally.records,
        empty_keys: tally.empty_keys,
        unreadable_flags: tally.unreadable,
        subjects: joined(tally.subjects)?,
        sensitive: joined(tally.sensitive)?,
    })
}

/// A column as SQL: a quoted name, or for nested data a path of fields (`a.b` → `get_field("a", 'b')`). A name that is
/// a top-level column as written wins over a path.
fn column_expr(schema: &Schema, name: &str, dataset: &Dataset) -> Result<String, EngineError> {
    if schema.field_with_name(name).is_ok() {
        return Ok(quoted(name));
    }
    let nested = matches!(
        dataset.format,
        DatasetFormat::JsonLines | DatasetFormat::Parquet
    );
    let mut parts = name.split('.');
    if let (true, Some(first)) = (nested, parts.next())
        && let Ok(field) = schema.field_with_name(first)
        && matches!(field.data_type(), DataType::Struct(_))
    {
        let expr = parts.fold(quoted(first), |inner, field| {
            format!("get_field({inner}, '{}')", field.replace('\'', "''"))
        });
        return Ok(expr);
    }
    let known: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    Err(EngineError::Input(format!(
        "{}: no column `{name}` (the columns are: {}); nothing was read",
        dataset.location,
        known.join(", ")
    )))
}

/// The rows of the count's result, summed; each bucket's sets as the engine returned them (borrowed from its
/// batches), joined once at the end.
#[derive(Debug, Default)]
struct Tally<'a> {
    records: u64,
    empty_keys: u64,
    unreadable: u64,
    subjects: Vec<(u8, &'a [u8])>,
    sensitive: Vec<(u8, &'a [u8])>,
    key_ids: Vec<String>,
    buckets: std::collections::HashSet<Option<u8>>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, batch: &'a RecordBatch) -> Result<(), EngineError> {
        let bucket = typed::<UInt8Array>(batch, 0)?;
        let records = typed::<Int64Array>(batch, 1)?;
        let unreadable = typed::<Int64Array>(batch, 2)?;
        let subjects = typed::<LargeBinaryArray>(batch, 3)?;
        let sensitive = typed::<LargeBinaryArray>(batch, 4)?;
        for i in [5, 6] {
            let ids = typed::<StringArray>(batch, i)?;
            self.key_ids
                .extend(ids.iter().flatten().map(str::to_string));
        }
        for row in 0..batch.num_rows() {
            let n = u64::try_from(records.value(row)).unwrap_or_default();
            // Each bucket is one group: an engine that returns one twice would count its rows twice.
            let key = bucket.is_valid(row).then(|| bucket.value(row));
            if !self.buckets.insert(key) {
                return Err(EngineError::Input(format!(
                    "the engine returned the group of hash bucket {key:?} twice; nothing was counted"
                )));
            }
            let Some(key) = key else {
                self.empty_keys += n;
                continue;
            };
            self.records += n;
            self.unreadable += u64::try_from(unreadable.value(row)).unwrap_or_default();
            for (sets, parts) in [
                (subjects, &mut self.subjects),
                (sensitive, &mut self.sensitive),
            ] {
                if sets.is_valid(row) {
                    parts.push((key, sets.value(row)));
                }
            }
        }
        Ok(())
    }
}

/// One set from the buckets' sets. A bucket is its hashes' top bits, so the sets laid end to end in bucket
/// order are the whole set in order: no second sort; the builder checks that they are whole and strictly
/// increasing throughout.
fn joined(mut parts: Vec<(u8, &[u8])>) -> Result<SubjectSet, EngineError> {
    parts.sort_unstable_by_key(|(bucket, _)| *bucket);
    let mut builder = SetBuilder::with_capacity(parts.iter().map(|(_, p)| p.len() / 16).sum());
    for (_, part) in parts {
        builder.push_part(part)?;
    }
    Ok(builder.finish()?)
}

/// Column `i` of the count's result, as the type the query gives it.
fn typed<T: 'static>(batch: &RecordBatch, i: usize) -> Result<&T, EngineError> {
    batch
        .columns()
        .get(i)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| EngineError::Input(format!("the count's result lacks column {i}")))
}
