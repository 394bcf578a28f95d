//! A dataset: one file, a directory or a glob of files of one format, registered as a DataFusion table.

use std::fmt;
use std::path::PathBuf;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use std::sync::Arc;

use datafusion::datasource::file_format::options::ReadOptions;
use datafusion::datasource::listing::{ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionContext};
use futures::TryStreamExt;
use object_store::local::LocalFileSystem;

use crate::error::EngineError;

/// The formats the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// JSON Lines (newline-delimited JSON objects).
    JsonLines,
    /// Apache Parquet.
    Parquet,
}

impl DatasetFormat {
    /// The format a file's name says, `None` for names the engine does not read.
    fn of(name: &str) -> Option<(DatasetFormat, &'static str)> {
        let lower = name.to_ascii_lowercase();
        [
            (".csv", DatasetFormat::Csv),
            (".tsv", DatasetFormat::Tsv),
            (".jsonl", DatasetFormat::JsonLines),
            (".ndjson", DatasetFormat::JsonLines),
            (".parquet", DatasetFormat::Parquet),
        ]
        .into_iter()
        .find(|(ext, _)| lower.ends_with(ext))
        .map(|(ext, format)| (format, ext))
    }
}

impl fmt::Display for DatasetFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DatasetFormat::Csv => "CSV",
            DatasetFormat::Tsv => "TSV",
            DatasetFormat::JsonLines => "JSON Lines",
            DatasetFormat::Parquet => "Parquet",
        })
    }
}

/// One file of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetFile {
    /// Its path in the object store (for local files: the absolute path without its leading `/`).
    pub location: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its path on this machine.
    pub local_path: PathBuf,
}

/// The files of a dataset, of one format.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// What the user gave: a file, a directory or a glob.
    pub location: String,
    /// The files it holds, sorted by location.
    pub files: Vec<DatasetFile>,
    /// Their format.
    pub format: DatasetFormat,
    /// For delimited files, the header row they share, as written (read once, when the dataset is
    /// resolved); empty for JSON Lines and Parquet, whose columns come from their schema.
    pub header: Vec<String>,
    extension: &'static str,
}

/// Names that data-lake writers leave beside the data (`_SUCCESS`, `.crc` files): not data, so not read.
fn is_bookkeeping(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

impl Dataset {
    /// Lists the files at `location` and checks that they are of one format the engine reads.
    pub async fn resolve(ctx: &SessionContext, location: &str) -> Result<Dataset, EngineError> {
        let url = ListingTableUrl::parse(location).map_err(EngineError::engine(format!(
            "{location}: not a path, directory or glob"
        )))?;
        let store = ctx
            .runtime_env()
            .object_store(url.object_store())
            .map_err(EngineError::engine(format!("{location}: no object store")))?;
        if url.scheme() != "file" {
            return Err(EngineError::Input(format!(
                "{location}: the engine reads local files, directories and globs for now; copy the dataset here"
            )));
        }
        let local = LocalFileSystem::new();
        let state = ctx.state();
        let listed: Vec<_> = url
            .list_all_files(&state, store.as_ref(), "")
            .await
            .map_err(EngineError::engine(format!("{location}: cannot list")))?
            .try_collect()
            .await
            .map_err(EngineError::engine(format!("{location}: cannot list")))?;
        let mut files = Vec::new();
        let mut formats = Vec::new();
        for meta in listed {
            let path = meta.location.to_string();
            let name = meta.location.filename().unwrap_or(&path).to_string();
            if is_bookkeeping(&name) {
                continue;
            }
            let Some((format, _)) = DatasetFormat::of(&name) else {
                return Err(EngineError::Input(format!(
                    "{location}: `{path}` is not a file the engine reads (expected .csv, .tsv, .jsonl, .ndjson or \
                     .parquet; compressed text is read by the native ingest, without --engine); nothing was read"
                )));
            };
            if !formats.contains(&format) {
                formats.push(format);
            }
            let local_path = local
                .path_to_filesystem(&meta.location)
                .map_err(|e| EngineError::Input(format!("{location}: `{path}`: {e}")))?;
            files.push(DatasetFile {
                location: path,
                size: meta.size,
                local_path,
            });
        }
        let (format, extension) = match formats.as_slice() {
            [] => {
                return Err(EngineError::Input(format!(
                    "{location}: no data files found (expected .csv, .tsv, .jsonl, .ndjson or .parquet files)"
                )));
            }
            [one] => {
                let extension = files
                    .first()
                    .and_then(|f| DatasetFormat::of(&f.location))
                    .map_or("", |(_, ext)| ext);
                (*one, extension)
            }
            many => {
                let named: Vec<String> = many.iter().map(ToString::to_string).collect();
                return Err(EngineError::Input(format!(
                    "{location}: the files are of several formats ({}); give one format per dataset",
                    named.join(", ")
                )));
            }
        };
        if files
            .iter()
            .any(|f| !f.location.to_ascii_lowercase().ends_with(extension))
        {
            return Err(EngineError::Input(format!(
                "{location}: the files mix extensions of one format (say .jsonl and .ndjson); rename them to one"
            )));
        }
        files.sort_by(|a, b| a.location.cmp(&b.location));
        let mut dataset = Dataset {
            location: location.to_string(),
            files,
            format,
            header: Vec::new(),
            extension,
        };
        if matches!(format, DatasetFormat::Csv | DatasetFormat::Tsv) {
            dataset.header = dataset.read_header()?;
        }
        Ok(dataset)
    }

    /// Lists the dataset at `location`, registers it in `ctx` as `table` and returns it with the table's
    /// schema: what a count and a scan start from.
    pub async fn open(
        ctx: &SessionContext,
        location: &str,
        table: &str,
    ) -> Result<(Dataset, Schema), EngineError> {
        let dataset = Dataset::resolve(ctx, location).await?;
        dataset.register(ctx, table).await?;
        let schema = ctx
            .table(table)
            .await
            .map_err(EngineError::engine(format!(
                "{location}: cannot open the dataset"
            )))?
            .schema()
            .as_arrow()
            .clone();
        Ok((dataset, schema))
    }

    /// Registers the dataset in `ctx` as `table`, as the list of its files (a plan that carried the glob or
    /// the directory could be widened to more files by whoever reads it: Ballista's reads a glob's whole
    /// directory). Text columns are read as text, never inferred as numbers: an inferred integer would drop
    /// a key's leading zeros and merge two people into one.
    pub async fn register(&self, ctx: &SessionContext, table: &str) -> Result<(), EngineError> {
        let context = || format!("{}: cannot read the {} files", self.location, self.format);
        let urls = self
            .files
            .iter()
            .map(|f| ListingTableUrl::parse(f.local_path.to_string_lossy()))
            .collect::<datafusion::error::Result<Vec<_>>>()
            .map_err(EngineError::engine(context()))?;
        let config = ctx.copied_config();
        let options = ctx.copied_table_options();
        let listing = match self.format {
            DatasetFormat::Csv | DatasetFormat::Tsv => {
                // Quoted fields may hold line breaks: the reader must not split a file at any newline.
                CsvReadOptions::new()
                    .has_header(true)
                    .delimiter(self.delimiter())
                    .newlines_in_values(true)
                    .file_extension(self.extension)
                    .to_listing_options(&config, options)
            }
            // Every line is read to infer the fields: inferred from the first thousand only, a field that
            // first appears later would be left out of the table, unread.
            DatasetFormat::JsonLines => JsonReadOptions {
                file_extension: self.extension,
                schema_infer_max_records: usize::MAX,
                ..JsonReadOptions::default()
            }
            .to_listing_options(&config, options),
            DatasetFormat::Parquet => ParquetReadOptions::new()
                .file_extension(self.extension)
                .to_listing_options(&config, options),
        };
        let schema = match self.format {
            DatasetFormat::Csv | DatasetFormat::Tsv => all_text(&self.header),
            DatasetFormat::JsonLines | DatasetFormat::Parquet => {
                let state = ctx.state();
                let mut schemas = Vec::with_capacity(urls.len());
                for url in &urls {
                    let schema = listing
                        .infer_schema(&state, url)
                        .await
                        .map_err(EngineError::engine(context()))?;
                    schemas.push(schema.as_ref().clone());
                }
                Schema::try_merge(schemas).map_err(|e| {
                    EngineError::Input(format!(
                        "{}: the files' columns do not agree ({e}); give files of one layout",
                        self.location
                    ))
                })?
            }
        };
        let table_config = ListingTableConfig::new_with_multi_paths(urls)
            .with_listing_options(listing)
            .with_schema(Arc::new(schema));
        let provider =
            ListingTable::try_new(table_config).map_err(EngineError::engine(context()))?;
        ctx.register_table(table, Arc::new(provider))
            .map(|_| ())
            .map_err(EngineError::engine(context()))
    }

    /// The header row every delimited file of the dataset shares, as written (the byte-order mark dropped),
    /// read by chujing rather than DataFusion, whose inference splits a file at line breaks inside quotes.
    /// Files that are not UTF-8, a `.csv` delimited by another character, and files whose headers differ
    /// are refused: delimited columns are read by position, so read by the first file's header, another
    /// file's key could be taken from the wrong column. Empty files (no header, no rows) are left out of the
    /// comparison.
    fn read_header(&self) -> Result<Vec<String>, EngineError> {
        let mut first: Option<Vec<String>> = None;
        for file in &self.files {
            let Some(names) = self.header_of(file)? else {
                continue;
            };
            match &first {
                None => first = Some(names),
                Some(shared) if *shared == names => {}
                Some(shared) => {
                    return Err(EngineError::Input(format!(
                        "{}: line 1: the header ({}) is not the first file's ({}); delimited files of one \
                         dataset must share one header",
                        file.local_path.display(),
                        names.join(","),
                        shared.join(",")
                    )));
                }
            }
        }
        Ok(first.unwrap_or_default())
    }

    /// One delimited file's header row (`None` for an empty file), refusing what the engine would read
    /// otherwise than the native reader: text that is not UTF-8 (the native reader decodes GB18030 and
    /// UTF-16; the engine would fail on it or misread it), or a `.csv` whose header is delimited by another
    /// character (the native reader guesses it; the engine reads commas, and would take each line for one
    /// column).
    fn header_of(&self, file: &DatasetFile) -> Result<Option<Vec<String>>, EngineError> {
        let name = file.local_path.display().to_string();
        if file.size == 0 {
            return Ok(None);
        }
        let opened = std::fs::File::open(&file.local_path)
            .map_err(|e| EngineError::Input(format!("{name}: cannot open: {e}")))?;
        let mut decoded = chujing_records::decode(&name, Box::new(opened))
            .map_err(|e| EngineError::Input(e.to_string()))?;
        let encoding = decoded.encoding;
        if !matches!(
            encoding,
            chujing_records::Encoding::Utf8 | chujing_records::Encoding::Utf8Bom
        ) {
            return Err(EngineError::Input(format!(
                "{name}: the text is {}, and the engine reads UTF-8 only; convert it (iconv -f {} -t UTF-8) \
                 or read it without --engine; nothing was read",
                encoding.name(),
                encoding.name()
            )));
        }
        let sniffed = decoded
            .sniff_delimiter()
            .map_err(|e| EngineError::Input(format!("{name}: {e}")))?;
        let delimiter = self.delimiter();
        if self.format == DatasetFormat::Csv && sniffed != delimiter {
            return Err(EngineError::Input(format!(
                "{name}: line 1: the header is delimited by `{}`, and the engine reads .csv files delimited by \
                 commas; read it without --engine (which takes the header's delimiter); nothing was read",
                char::from(sniffed).escape_default()
            )));
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(decoded.reader);
        let mut record = csv::ByteRecord::new();
        let read = reader.read_byte_record(&mut record).map_err(|e| {
            EngineError::Input(format!("{name}: line 1: cannot read the header: {e}"))
        })?;
        Ok(read.then(|| {
            record
                .iter()
                .map(|h| String::from_utf8_lossy(h).into_owned())
                .collect()
        }))
    }

    /// The delimiter of a delimited dataset.
    fn delimiter(&self) -> u8 {
        if self.format == DatasetFormat::Tsv {
            b'\t'
        } else {
            b','
        }
    }
}

/// `name` as a quoted SQL identifier.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Runs `sql` in `ctx` to its end; a failure is DataFusion's, said with `context`.
pub(crate) async fn collect(
    ctx: &SessionContext,
    sql: &str,
    context: String,
) -> Result<Vec<datafusion::arrow::record_batch::RecordBatch>, EngineError> {
    ctx.sql(sql)
        .await
        .map_err(EngineError::engine(context.clone()))?
        .collect()
        .await
        .map_err(EngineError::engine(context))
}

/// Text columns named by `header` (a name written twice is kept apart as `name (2)`, as the native scanner
/// names it: DataFusion takes no two columns of one name).
fn all_text(header: &[String]) -> Schema {
    Schema::new(
        chujing_scan::unique_headers(header)
            .into_iter()
            .map(|name| Field::new(name, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    )
}
