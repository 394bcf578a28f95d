//! Parsing TOML and JSON with errors that name the file, line, column and field.

use serde::de::DeserializeOwned;

use crate::error::{InputError, LawError};

/// The syntax of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// Picks the format from a file name: `.json` is JSON, anything else TOML.
    pub fn from_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// 1-based line and column of a byte offset.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let before = src.get(..offset.min(src.len())).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The 1-based line where `needle` first occurs, if it does.
pub fn find_line(src: &str, needle: &str) -> Option<usize> {
    src.find(needle).map(|offset| line_column(src, offset).0)
}

fn field_of(path: &serde_path_to_error::Path) -> Option<String> {
    let p = path.to_string();
    (p != "." && !p.is_empty()).then_some(p)
}

/// Deserializes `src` (named `file`) into `T`.
pub fn parse<T: DeserializeOwned>(file: &str, src: &str, format: Format) -> Result<T, LawError> {
    match format {
        Format::Toml => {
            let de = toml::Deserializer::parse(src).map_err(|e| toml_error(file, src, None, &e))?;
            serde_path_to_error::deserialize(de)
                .map_err(|e| toml_error(file, src, field_of(e.path()), e.inner()))
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(src);
            let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let inner = e.inner();
                let full = inner.to_string();
                let suffix = format!(" at line {} column {}", inner.line(), inner.column());
                LawError::Input(InputError {
                    file: file.to_string(),
                    line: Some(inner.line()),
                    column: Some(inner.column()),
                    field: field_of(e.path()),
                    message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
                })
            })?;
            de.end().map_err(|e| {
                LawError::Input(InputError {
                    file: file.to_string(),
                    line: Some(e.line()),
                    column: Some(e.column()),
                    field: None,
                    message: "trailing characters after the JSON document".into(),
                })
            })?;
            Ok(value)
        }
    }
}

fn toml_error(file: &str, src: &str, field: Option<String>, e: &toml::de::Error) -> LawError {
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = line_column(src, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    LawError::Input(InputError {
        file: file.to_string(),
        line,
        column,
        field,
        message: e.message().trim_end().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "fields are only deserialized")]
    struct Doc {
        name: String,
        items: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "fields are only deserialized")]
    struct Item {
        count: u64,
    }

    #[test]
    fn toml_errors_have_line_and_field() {
        let src = "name = \"x\"\n[[items]]\ncount = 1\n[[items]]\ncount = -5\n";
        let LawError::Input(e) = parse::<Doc>("p.toml", src, Format::Toml).unwrap_err() else {
            panic!()
        };
        assert_eq!(e.line, Some(5));
        assert_eq!(e.field.as_deref(), Some("items[1].count"));
        assert!(e.to_string().starts_with("p.toml:5:"), "{e}");
    }

    #[test]
    fn json_errors_have_line_and_field() {
        let src = "{\"name\": \"x\",\n \"items\": [{\"count\": 1},\n {\"cnt\": 2}]}";
        let LawError::Input(e) = parse::<Doc>("p.json", src, Format::Json).unwrap_err() else {
            panic!()
        };
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("unknown field `cnt`"), "{}", e.message);
    }
}
