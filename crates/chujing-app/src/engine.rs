//! `--engine datafusion`: a batch counted by Apache DataFusion on every core (chujing-engine), with the native
//! reader's normaliser and keyed hash, and stored exactly as a natively read batch.

use chujing_ledger::{StoredBatch, SubjectHasher};

use crate::error::{AppError, Result};
use crate::ledger::{BatchInput, ReadSummary};

/// Counts `input` (a file, a directory or a glob) on DataFusion. Empty keys and unreadable sensitivity flags
/// are refused unless `skip_bad_rows`, as natively; they are counted, not located.
#[cfg(feature = "engine")]
pub(crate) fn read_batch(
    input: &BatchInput,
    hasher: &SubjectHasher,
) -> Result<(StoredBatch, ReadSummary)> {
    let location = input.file.display().to_string();
    let request = chujing_engine::CountRequest {
        dataset: location.clone(),
        subject_column: input.subject_column.clone(),
        sensitive_column: input.sensitive_column.clone(),
        all_sensitive: input.all_sensitive,
    };
    let counted = chujing_engine::count(hasher, &request).map_err(engine_error)?;
    let refuse = |n: u64, what: String| {
        AppError::Input(format!(
            "{location}: {n} record(s) {what}; nothing was ingested (--skip-bad-rows counts them as the native \
             reader does; the native reader, without --engine, names their lines)"
        ))
    };
    if counted.empty_keys > 0 && !input.skip_bad_rows {
        let what = format!(
            "have an empty subject key in column `{}`",
            input.subject_column
        );
        return Err(refuse(counted.empty_keys, what));
    }
    if counted.unreadable_flags > 0 && !input.skip_bad_rows {
        let column = input.sensitive_column.as_deref().unwrap_or_default();
        let what = format!("have a sensitivity flag in column `{column}` that is not yes/no");
        return Err(refuse(counted.unreadable_flags, what));
    }
    if counted.records == 0 {
        let why = format!(
            "none of its {} record(s) has a subject key",
            counted.empty_keys
        );
        return Err(crate::ledger::empty_batch(&location, &why));
    }
    let paths: Vec<_> = counted.files.iter().map(|f| f.local_path.clone()).collect();
    let content_hash = chujing_records::keys::content_hash(&paths)?;
    let summary = ReadSummary {
        records: counted.records,
        skipped_rows: counted.empty_keys,
        bad_rows: Vec::new(),
        assumed_sensitive: counted.unreadable_flags,
        assumed_sensitive_rows: Vec::new(),
        rows_located: false,
    };
    Ok(crate::ledger::assemble(
        input,
        hasher,
        content_hash,
        counted.subjects,
        counted.sensitive,
        summary,
    ))
}

/// The engine's refusal of its input (a missing column, a malformed file) is the user's to fix; a failure
/// of the engine itself is not.
#[cfg(feature = "engine")]
fn engine_error(e: chujing_engine::EngineError) -> AppError {
    use chujing_engine::EngineError;
    match e {
        EngineError::Input(_) | EngineError::Engine { .. } => AppError::Input(e.to_string()),
        EngineError::Runtime(source) => AppError::Io {
            context: "cannot start the engine".into(),
            source,
        },
        EngineError::Ledger(e) => AppError::Ledger(e),
    }
}

/// This build has no engine: say how to get one.
#[cfg(not(feature = "engine"))]
pub(crate) fn read_batch(_: &BatchInput, _: &SubjectHasher) -> Result<(StoredBatch, ReadSummary)> {
    Err(AppError::Input(
        "this build of chujing has no DataFusion engine: build it with `--features engine` (cargo install \
         --path crates/chujing --features engine), or leave out --engine to use the native reader"
            .into(),
    ))
}
