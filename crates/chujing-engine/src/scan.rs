//! The scanner on DataFusion: every row of a dataset goes through the native [`TableScanner`] (the same
//! validators, header hints, per-column tallies and distinct individuals), each partition's tallies travel as
//! a partial aggregate, and the partials are merged as the native scanner merges its threads'. Per column the
//! findings and counts are the native scan's of the same rows; only the masked samples may be other rows'
//! (each partition keeps its first few, and partitions finish in any order).

use std::sync::Arc;

use chujing_records::parquet::{flattened_names, flattened_text};
use chujing_scan::{Category, Classifier, ColumnReport, Individuals, ScannerState, TableScanner};
use datafusion::arrow::array::{Array, ArrayRef, LargeBinaryArray, StringArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema};
use datafusion::common::{Result, ScalarValue, exec_datafusion_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDFImpl, ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::physical_plan::expressions::Literal;
use datafusion::prelude::SessionContext;
use serde::{Deserialize, Serialize};

use crate::count::on_own_runtime;
use crate::dataset::{Dataset, DatasetFile, DatasetFormat, collect, quoted};
use crate::error::EngineError;

/// What to scan.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// A file, a directory or a glob.
    pub dataset: String,
    /// Count distinct individuals per category by this column (JSON Lines and Parquet: a dotted path into
    /// nested fields, as the native scan names them).
    pub subject_column: Option<String>,
    /// The scan date, which decides who is a minor under 14 and which birth dates are impossible.
    pub today: jiff::civil::Date,
}

/// What a dataset holds, all its files together.
#[derive(Debug, Clone)]
pub struct DatasetScan {
    /// The files read, sorted.
    pub files: Vec<DatasetFile>,
    /// Their format.
    pub format: DatasetFormat,
    /// Rows scanned (headers not counted).
    pub rows: u64,
    /// Per column (nested fields as dotted paths), in the dataset's column order.
    pub columns: Vec<ColumnReport>,
    /// Distinct individuals by the subject column, when one was given.
    pub individuals: Option<Individuals>,
}

/// Scans `request` on this machine's cores.
pub fn scan(request: &ScanRequest) -> Result<DatasetScan, EngineError> {
    on_own_runtime(|| async {
        let ctx = SessionContext::new();
        register(&ctx);
        scan_async(&ctx, request).await
    })
}

/// Registers `chujing_scan` and `chujing_pi_categories` in `ctx` (a scan needs no key: [`crate::register`]
/// registers them with the rest).
pub fn register(ctx: &SessionContext) {
    ctx.register_udaf(datafusion::logical_expr::AggregateUDF::from(ScanAgg::new()));
    ctx.register_udf(datafusion::logical_expr::ScalarUDF::from(
        PiCategories::new(),
    ));
}

/// Scans `request` in `ctx`, which has `chujing_scan` registered (as every chujing session, scheduler and
/// executor has).
pub async fn scan_async(
    ctx: &SessionContext,
    request: &ScanRequest,
) -> Result<DatasetScan, EngineError> {
    let (dataset, schema) = Dataset::open(ctx, &request.dataset, "scanned").await?;
    let config = serde_json::to_string(&ScanConfig::of(&schema, &dataset, request)?)
        .map_err(|e| EngineError::Input(format!("cannot write the scan's settings: {e}")))?;
    let columns: Vec<String> = schema.fields().iter().map(|f| quoted(f.name())).collect();
    let sql = format!(
        "SELECT chujing_scan('{}'{}{}) FROM scanned",
        config.replace('\'', "''"),
        if columns.is_empty() { "" } else { ", " },
        columns.join(", ")
    );
    let batches = collect(ctx, &sql, format!("{}: scanning failed", dataset.location)).await?;
    let states: Vec<&[u8]> = batches
        .iter()
        .filter_map(|b| b.columns().first())
        .filter_map(|c| c.as_any().downcast_ref::<LargeBinaryArray>())
        .flat_map(|a| a.iter().flatten())
        .collect();
    let [state] = states.as_slice() else {
        return Err(EngineError::Input(format!(
            "{}: the engine returned {} scans of the dataset, not one; nothing is reported",
            dataset.location,
            states.len()
        )));
    };
    let scanner = TableScanner::from_state(Classifier::new(request.today), decode(state)?);
    let rows = scanner.rows();
    let (columns, individuals) = scanner.finish();
    Ok(DatasetScan {
        files: dataset.files,
        format: dataset.format,
        rows,
        columns,
        individuals,
    })
}

/// The scan's settings, carried to every worker as the aggregate's first argument (a literal in the plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ScanConfig {
    /// The scan date, `YYYY-MM-DD`.
    today: String,
    /// The subject column, as it is named in `columns`.
    subject: Option<String>,
    /// Per flattened column, its name as the native scan gives it (header trimmed, repeats kept apart,
    /// nested fields dotted), or `None` for a column whose values are not cells to the native scan.
    columns: Vec<Option<String>>,
}

impl ScanConfig {
    /// The settings for scanning `dataset` (of `schema`), refusing what the engine would read otherwise than
    /// the native scan.
    fn of(
        schema: &Schema,
        dataset: &Dataset,
        request: &ScanRequest,
    ) -> Result<ScanConfig, EngineError> {
        let json = dataset.format == DatasetFormat::JsonLines;
        let mut leaves = Vec::new();
        leaf_types(schema.fields(), &mut leaves);
        if json && let Some(list) = leaves.iter().find(|t| is_list(t)) {
            return Err(EngineError::Input(format!(
                "{}: a field holds arrays ({list}); the engine scans JSON Lines whose fields are values or \
                 objects (the native scan reads arrays element by element): scan it without --engine",
                dataset.location
            )));
        }
        let delimited = matches!(dataset.format, DatasetFormat::Csv | DatasetFormat::Tsv);
        // The native scanner's names: a delimited header trimmed, then repeats kept apart; nested fields dotted.
        let written: Vec<String> = if delimited {
            dataset
                .header
                .iter()
                .map(|h| h.trim().to_string())
                .collect()
        } else {
            flattened_names(schema.fields())
        };
        if let Some(subject) = &request.subject_column {
            check_subject(subject, &written, &leaves, json, dataset)?;
        }
        let names = chujing_scan::unique_headers(&written);
        // JSON's `true`/`false` and nulls are not cells to the native JSON Lines scan, and a field holding
        // nothing else is no column there.
        let columns = names
            .into_iter()
            .zip(&leaves)
            .map(|(name, t)| {
                (!(json && matches!(t, DataType::Boolean | DataType::Null))).then_some(name)
            })
            .collect();
        Ok(ScanConfig {
            today: request.today.to_string(),
            subject: request.subject_column.clone(),
            columns,
        })
    }
}

/// Refuses a subject column that is missing, named twice, or (in JSON Lines) of decimal numbers, whose text
/// the engine writes otherwise than the line did (`2` read as `2.0`), which could merge two people.
fn check_subject(
    subject: &str,
    columns: &[String],
    leaves: &[DataType],
    json: bool,
    dataset: &Dataset,
) -> Result<(), EngineError> {
    let at: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| *c == subject)
        .map(|(i, _)| i)
        .collect();
    match at.as_slice() {
        [] => Err(EngineError::Input(format!(
            "{}: no column `{subject}` to count individuals by (the columns are: {}); nothing was scanned",
            dataset.location,
            columns.join(", ")
        ))),
        [one] if json && leaves.get(*one).is_some_and(DataType::is_floating) => {
            Err(EngineError::Input(format!(
                "{}: the subject column `{subject}` holds decimal numbers, whose text the engine may write \
                 otherwise than the file (2 as 2.0); scan it without --engine",
                dataset.location
            )))
        }
        [_] => Ok(()),
        many => Err(EngineError::Input(format!(
            "{}: line 1: the header has {} columns named `{subject}`, so it is not known which identifies \
             individuals; rename one in the header",
            dataset.location,
            many.len()
        ))),
    }
}

/// The leaf types of `fields`, nested struct fields flattened in schema order (as the names are).
fn leaf_types(fields: &Fields, out: &mut Vec<DataType>) {
    for f in fields {
        match f.data_type() {
            DataType::Struct(inner) => leaf_types(inner, out),
            other => out.push(other.clone()),
        }
    }
}

fn is_list(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(..)
            | DataType::ListView(_)
            | DataType::LargeListView(_)
            | DataType::Map(..)
    )
}

/// A scanner's state from the bytes a worker sent.
fn decode(bytes: &[u8]) -> Result<ScannerState, EngineError> {
    postcard::from_bytes(bytes).map_err(|e| {
        EngineError::Input(format!(
            "a worker's scan could not be read ({e}): is every executor this version of chujing?"
        ))
    })
}

/// `chujing_scan(settings, column, …)`: the aggregate that runs the native scanner over its rows; its value
/// is the scanner's state (see [`TableScanner::into_state`]).
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct ScanAgg {
    signature: Signature,
}

impl ScanAgg {
    pub(crate) fn new() -> ScanAgg {
        ScanAgg {
            signature: Signature::variadic_any(Volatility::Immutable),
        }
    }
}

impl AggregateUDFImpl for ScanAgg {
    fn name(&self) -> &str {
        "chujing_scan"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::LargeBinary)
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let settings = args
            .exprs
            .first()
            .and_then(|e| {
                let any: &dyn std::any::Any = e.as_ref();
                any.downcast_ref::<Literal>()
            })
            .and_then(|l| match l.value() {
                ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) => Some(s.clone()),
                ScalarValue::Utf8View(Some(s)) => Some(s.clone()),
                _ => None,
            })
            .ok_or_else(|| {
                exec_datafusion_err!("chujing_scan's first argument must be its settings")
            })?;
        Ok(Box::new(ScanAccumulator::new(&settings)?))
    }
    fn state_fields(&self, _: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            "scanner",
            DataType::LargeBinary,
            true,
        ))])
    }
}

/// One partition's scanner.
#[derive(Debug)]
struct ScanAccumulator {
    classifier: Classifier,
    config: ScanConfig,
    scanner: TableScanner,
}

impl ScanAccumulator {
    fn new(settings: &str) -> Result<ScanAccumulator> {
        let config: ScanConfig = serde_json::from_str(settings)
            .map_err(|e| exec_datafusion_err!("chujing_scan's settings: {e}"))?;
        let today: jiff::civil::Date = config
            .today
            .parse()
            .map_err(|e| exec_datafusion_err!("chujing_scan's scan date: {e}"))?;
        let classifier = Classifier::new(today);
        let scanner = Self::fresh(&classifier, &config);
        Ok(ScanAccumulator {
            classifier,
            config,
            scanner,
        })
    }

    fn fresh(classifier: &Classifier, config: &ScanConfig) -> TableScanner {
        let headers: Vec<&str> = config
            .columns
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        TableScanner::new(classifier.clone(), &headers, config.subject.as_deref())
    }

    /// The scanner's state so far, leaving a fresh scanner.
    fn take(&mut self) -> Result<ScalarValue> {
        let fresh = Self::fresh(&self.classifier, &self.config);
        let state = std::mem::replace(&mut self.scanner, fresh).into_state();
        let bytes = postcard::to_allocvec(&state)
            .map_err(|e| exec_datafusion_err!("cannot write the scan's state: {e}"))?;
        // The tallies go on from the state, so that a later call (DataFusion may ask again) has them all.
        self.scanner = TableScanner::from_state(self.classifier.clone(), state);
        Ok(ScalarValue::LargeBinary(Some(bytes)))
    }
}

impl Accumulator for ScanAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some((_, columns)) = values.split_first() else {
            return Ok(());
        };
        let rows = columns.first().map_or(0, |c| c.len());
        let text = flattened_text(columns);
        if text.len() != self.config.columns.len() {
            return Err(exec_datafusion_err!(
                "chujing_scan got {} columns, its settings name {}",
                text.len(),
                self.config.columns.len()
            ));
        }
        // The scanner's index of each flattened column that is scanned.
        let scanned: Vec<(usize, &datafusion::arrow::array::StringArray)> = text
            .iter()
            .zip(&self.config.columns)
            .filter(|(_, name)| name.is_some())
            .enumerate()
            .filter_map(|(i, (column, _))| column.as_ref().map(|c| (i, c)))
            .collect();
        for row in 0..rows {
            for (i, column) in &scanned {
                if column.is_valid(row) {
                    self.scanner.cell(*i, column.value(row));
                }
            }
            self.scanner.end_row();
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let partials = states
            .first()
            .and_then(|a| a.as_any().downcast_ref::<LargeBinaryArray>())
            .ok_or_else(|| exec_datafusion_err!("expected scans from chujing_scan"))?;
        for bytes in partials.iter().flatten() {
            let state = decode(bytes).map_err(|e| exec_datafusion_err!("{e}"))?;
            self.scanner
                .merge(TableScanner::from_state(self.classifier.clone(), state));
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.take()?])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.take()
    }

    fn size(&self) -> usize {
        // The scanner's sets are not measured; DataFusion's memory pool sees only this struct.
        size_of::<ScanAccumulator>()
    }
}

/// `chujing_pi_categories(value, header, scan_date)`: the categories of personal information the native
/// classifier finds valid in one cell, in a column named `header`, on `scan_date` (`YYYY-MM-DD`, which
/// decides minors): their ids in the scanner's order, separated by commas, or NULL for none. The per-cell
/// detector for SQL over a dataset (`WHERE chujing_pi_categories(note, 'note', '2026-12-07') IS NOT NULL`).
/// A column's verdict — passes of a check digit dismissed as chance among failures — needs the whole column:
/// that is `chujing_scan`'s.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct PiCategories {
    signature: Signature,
}

impl PiCategories {
    pub(crate) fn new() -> PiCategories {
        PiCategories {
            signature: Signature::any(3, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for PiCategories {
    fn name(&self) -> &str {
        "chujing_pi_categories"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [values, headers, dates] = [0, 1, 2].map(|i| text_argument(&args, i));
        let (values, headers, dates) = (values?, headers?, dates?);
        let mut classifiers: Vec<(String, Classifier)> = Vec::new();
        let mut buf = Vec::new();
        let mut out = StringBuilder::with_capacity(values.len(), values.len() * 8);
        for row in 0..values.len() {
            let (Some(value), Some(date)) = (
                values.is_valid(row).then(|| values.value(row)),
                dates.is_valid(row).then(|| dates.value(row)),
            ) else {
                out.append_null();
                continue;
            };
            let classifier = match classifiers.iter().find(|(d, _)| d == date) {
                Some((_, c)) => c.clone(),
                None => {
                    let today: jiff::civil::Date = date.parse().map_err(|e| {
                        exec_datafusion_err!("chujing_pi_categories: scan date `{date}`: {e}")
                    })?;
                    classifiers.push((date.to_string(), Classifier::new(today)));
                    Classifier::new(today)
                }
            };
            let hint = headers
                .is_valid(row)
                .then(|| chujing_scan::header::hint(headers.value(row)))
                .flatten();
            let mut found = 0u64;
            classifier.cell(value, hint, &mut buf, &mut |f| {
                if f.evidence.is_valid() {
                    found |= 1 << (f.category as u32);
                }
            });
            let ids: Vec<&str> = Category::ALL
                .into_iter()
                .filter(|c| found & (1 << (*c as u32)) != 0)
                .map(Category::id)
                .collect();
            if ids.is_empty() {
                out.append_null();
            } else {
                out.append_value(ids.join(","));
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// Argument `i` as text, one value per row (a literal repeated).
fn text_argument(args: &ScalarFunctionArgs, i: usize) -> Result<StringArray> {
    let value = args
        .args
        .get(i)
        .ok_or_else(|| exec_datafusion_err!("chujing_pi_categories takes three arguments"))?;
    let array = value.to_array(args.number_rows)?;
    let text = datafusion::arrow::compute::cast(&array, &DataType::Utf8)?;
    text.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| exec_datafusion_err!("chujing_pi_categories: argument {i} is not text"))
}
