//! Parquet columns as text. Nested struct fields are flattened into dotted paths (`user.id_number`), as JSON
//! Lines fields are; lists and maps are read as their text form under their own name.
//!
//! Built with the `parquet` feature (Apache Arrow's reader is a quarter of a cold build); without it
//! [`ParquetTable::open`] refuses every file, saying how to get a chujing that reads them.

use std::fs::File;
use std::path::Path;

use arrow_array::{Array, ArrayRef, StringArray, StructArray};
use arrow_buffer::NullBuffer;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::{RecordsError, Result};

/// Rows decoded at a time.
const BATCH_ROWS: usize = 64 * 1024;

/// A Parquet file being read as text columns.
#[derive(Debug)]
pub struct ParquetTable {
    name: String,
    /// Column names, nested fields as dotted paths, in schema order.
    pub columns: Vec<String>,
    batches: ParquetRecordBatchReader,
    /// Rows handed out so far.
    rows: u64,
}

impl ParquetTable {
    /// Opens `path`, naming the file in errors.
    pub fn open(path: &Path) -> Result<ParquetTable> {
        let name = path.display().to_string();
        let file = File::open(path)
            .map_err(|e| RecordsError::Input(format!("{name}: cannot open: {e}")))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| {
            RecordsError::Input(format!("{name}: not a readable Parquet file: {e}"))
        })?;
        let columns = flattened_names(builder.schema().fields());
        let batches = builder
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| RecordsError::Input(format!("{name}: {e}")))?;
        Ok(ParquetTable {
            name,
            columns,
            batches,
            rows: 0,
        })
    }

    /// The position of a column (a dotted path for a nested field), or an error listing the columns.
    pub fn column(&self, wanted: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c == wanted)
            .ok_or_else(|| {
                RecordsError::Input(format!(
                    "{}: no column `{wanted}`; the file has: {}",
                    self.name,
                    self.columns.join(", ")
                ))
            })
    }

    /// The next batch of rows, `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<TextBatch>> {
        let Some(batch) = self.batches.next() else {
            return Ok(None);
        };
        let batch = batch.map_err(|e| {
            RecordsError::Input(format!("{}: after row {}: {e}", self.name, self.rows))
        })?;
        let first = self.rows + 1;
        self.rows += batch.num_rows() as u64;
        Ok(Some(TextBatch {
            columns: flattened_text(batch.columns()),
            rows: batch.num_rows(),
            first,
        }))
    }
}

/// Rows of a Parquet file as text, column by column (in the order of [`ParquetTable::columns`]).
#[derive(Debug)]
pub struct TextBatch {
    /// One text array per column; `None` for a column that has no text form.
    columns: Vec<Option<StringArray>>,
    rows: usize,
    first: u64,
}

impl TextBatch {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The 1-based number of the batch's first row in the file.
    pub fn first_row(&self) -> u64 {
        self.first
    }

    /// Whether column `column` has a text form (every column does but those of a type arrow cannot show).
    pub fn readable(&self, column: usize) -> bool {
        matches!(self.columns.get(column), Some(Some(_)))
    }

    /// Column `column`'s value in `row` as text: `None` for a null, a row or column out of range, or a column
    /// with no text form.
    pub fn value(&self, column: usize, row: usize) -> Option<&str> {
        let text = self.columns.get(column)?.as_ref()?;
        (row < text.len() && !text.is_null(row)).then(|| text.value(row))
    }
}

/// The names of `fields`' columns, nested struct fields as dotted paths (`user.id_number`), in schema order:
/// the columns [`flattened_text`] gives.
pub fn flattened_names(fields: &arrow_schema::Fields) -> Vec<String> {
    let mut out = Vec::new();
    for field in fields {
        flatten_names(field.name(), field.data_type(), &mut out);
    }
    out
}

fn flatten_names(prefix: &str, data_type: &arrow_schema::DataType, out: &mut Vec<String>) {
    match data_type {
        arrow_schema::DataType::Struct(fields) => {
            for f in fields {
                flatten_names(&format!("{prefix}.{}", f.name()), f.data_type(), out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

/// Columns as text, nested struct fields flattened in schema order (one per name of [`flattened_names`]); a
/// column with no text form is `None`.
pub fn flattened_text(columns: &[ArrayRef]) -> Vec<Option<StringArray>> {
    let mut out = Vec::new();
    for column in columns {
        flatten_column(column, None, &mut out);
    }
    out
}

/// Pushes `column`'s text (or its fields', for a struct); a row where an enclosing struct is null (`outer`)
/// is null in every field.
fn flatten_column(
    column: &ArrayRef,
    outer: Option<&NullBuffer>,
    out: &mut Vec<Option<StringArray>>,
) {
    let Some(s) = column.as_any().downcast_ref::<StructArray>() else {
        out.push(text_column(column).ok().map(|text| {
            match outer {
                Some(valid) if valid.null_count() > 0 => text
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v.filter(|_| valid.is_valid(i)))
                    .collect(),
                _ => text,
            }
        }));
        return;
    };
    let valid = NullBuffer::union(outer, s.nulls());
    for child in s.columns() {
        flatten_column(child, valid.as_ref(), out);
    }
}

/// A column as text: numbers, dates and other types are cast, as users would write them; a type with no cast
/// to text (a list of structs, a map, a union) is written in its display form (`[{id: …, phone: …}]`), so that
/// every column is scanned and none is reported empty for its type.
pub fn text_column(column: &ArrayRef) -> Result<StringArray, arrow_schema::ArrowError> {
    if !arrow_cast::can_cast_types(column.data_type(), &arrow_schema::DataType::Utf8) {
        return displayed(column);
    }
    let text = arrow_cast::cast(column, &arrow_schema::DataType::Utf8)?;
    text.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| arrow_schema::ArrowError::CastError("not a UTF-8 string array".into()))
}

/// Each row of `column` in arrow's display form; nulls stay null.
fn displayed(column: &ArrayRef) -> Result<StringArray, arrow_schema::ArrowError> {
    let options = arrow_cast::display::FormatOptions::default();
    let formatter = arrow_cast::display::ArrayFormatter::try_new(column.as_ref(), &options)?;
    (0..column.len())
        .map(|row| {
            if column.is_null(row) {
                Ok(None)
            } else {
                formatter.value(row).try_to_string().map(Some)
            }
        })
        .collect()
}
