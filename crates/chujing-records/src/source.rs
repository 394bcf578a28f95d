//! Which files, in which format, opened and decompressed.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::{RecordsError, Result};

/// The syntax of an input, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text with a header row; the delimiter is sniffed from the header when `None`.
    Delimited(Option<u8>),
    /// One JSON object per line (`.jsonl`, `.ndjson`, `.json`); nested fields are dotted paths.
    JsonLines,
    /// Apache Parquet; nested struct fields are dotted paths.
    Parquet,
    /// Plain text, one cell per line (anything else).
    Text,
}

/// The compression of an input, from its last suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `.gz` (several members are read as one stream).
    Gzip,
    /// `.zst` or `.zstd`.
    Zstd,
}

/// A file to read, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// Its syntax.
    pub format: Format,
    /// Its compression, if any.
    pub compression: Option<Compression>,
}

impl Source {
    /// The format and compression of `path`, from its name. A compressed Parquet file is refused: Parquet
    /// compresses its own columns.
    pub fn of(path: &Path) -> Result<Source> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let (stem, compression) = match name.rsplit_once('.') {
            Some((stem, "gz")) => (stem, Some(Compression::Gzip)),
            Some((stem, "zst" | "zstd")) => (stem, Some(Compression::Zstd)),
            _ => (name.as_str(), None),
        };
        let format = match stem.rsplit_once('.').map(|(_, ext)| ext) {
            Some("csv") => Format::Delimited(None),
            Some("tsv" | "tab") => Format::Delimited(Some(b'\t')),
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            Some("parquet") if compression.is_some() => {
                return Err(RecordsError::Input(format!(
                    "{}: Parquet files compress their own columns; give the .parquet file itself",
                    path.display()
                )));
            }
            Some("parquet") => Format::Parquet,
            _ => Format::Text,
        };
        Ok(Source {
            path: path.to_path_buf(),
            format,
            compression,
        })
    }

    /// The file's name for messages.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// The file's size on disk (0 when it cannot be read; opening it will say why).
    pub fn size(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    /// Opens the file, decompressing it; `progress` is told how many bytes of the file were read.
    pub fn open(&self, progress: impl Fn(u64) + Send + 'static) -> Result<Box<dyn Read + Send>> {
        open(&self.path, self.compression, progress)
    }
}

/// A file to read, found on the command line or under a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The file.
    pub path: PathBuf,
    /// Whether it was named itself (not found by walking a directory).
    pub named: bool,
    /// Why it could not be listed, when the walk met an error at it (its contents are unknown).
    pub unlisted: Option<String>,
}

impl Found {
    /// A file the user named.
    pub fn named(path: impl Into<PathBuf>) -> Found {
        Found {
            path: path.into(),
            named: true,
            unlisted: None,
        }
    }
}

/// What walking the paths found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    /// Files, in the order given; directories in name order.
    pub found: Vec<Found>,
    /// Symbolic links that loop back to a directory above them: not followed (the directory's files are
    /// read once, where they are), one note each.
    pub loops: Vec<String>,
}

/// Every file under `paths`, in the order given; directories are walked recursively in name order, following
/// symbolic links except one that loops back to a directory above it (noted in [`Walk::loops`]). A path that
/// does not exist is an error; a part of a directory that cannot be listed is a [`Found`] with its reason.
pub fn files(paths: &[PathBuf]) -> Result<Walk> {
    let mut out = Walk::default();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| RecordsError::Input(format!("{}: {e}", path.display())))?;
        if !meta.is_dir() {
            out.found.push(Found::named(path));
            continue;
        }
        let walk = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name();
        for entry in walk {
            match entry {
                Ok(entry) if entry.file_type().is_dir() => {}
                Ok(entry) => out.found.push(Found {
                    path: entry.into_path(),
                    named: false,
                    unlisted: None,
                }),
                Err(e) => {
                    let at = e.path().unwrap_or(path).to_path_buf();
                    match e.loop_ancestor() {
                        Some(up) => out.loops.push(format!(
                            "{}: a symbolic link loops back to {}, whose files are read once, where they are",
                            at.display(),
                            up.display()
                        )),
                        None => out.found.push(Found {
                            unlisted: Some(format!("cannot list: {e}")),
                            path: at,
                            named: false,
                        }),
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Opens `path`, decompressing by `compression`; `progress` is told how many bytes of the file were read.
pub fn open(
    path: &Path,
    compression: Option<Compression>,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path)
        .map_err(|e| RecordsError::Input(format!("{}: cannot open: {e}", path.display())))?;
    let counted = Counting {
        inner: file,
        progress,
    };
    Ok(match compression {
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(
            BufReader::with_capacity(1 << 16, counted),
        )),
        Some(Compression::Zstd) => Box::new(zstd::Decoder::new(counted).map_err(|e| {
            RecordsError::Input(format!("{}: not a zstd stream: {e}", path.display()))
        })?),
        None => Box::new(counted),
    })
}

/// Tells `progress` how many bytes pass.
struct Counting<R, F> {
    inner: R,
    progress: F,
}

impl<R: Read, F: Fn(u64)> Read for Counting<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.progress)(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        let f = |n: &str| Source::of(Path::new(n)).map(|s| (s.format, s.compression));
        assert_eq!(f("a.CSV").unwrap(), (Format::Delimited(None), None));
        assert_eq!(
            f("a.tsv.gz").unwrap(),
            (Format::Delimited(Some(b'\t')), Some(Compression::Gzip))
        );
        assert_eq!(
            f("a.jsonl.zst").unwrap(),
            (Format::JsonLines, Some(Compression::Zstd))
        );
        assert_eq!(f("a.parquet").unwrap(), (Format::Parquet, None));
        assert!(f("a.parquet.gz").is_err());
        assert_eq!(f("notes").unwrap(), (Format::Text, None));
    }

    /// The files found, relative to `dir`.
    fn relative(walk: &Walk, dir: &Path) -> Vec<String> {
        walk.found
            .iter()
            .map(|f| f.path.strip_prefix(dir).unwrap().display().to_string())
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_noted_and_the_rest_of_the_walk_goes_on() {
        // Before: the loop aborted the whole walk, so nothing was scanned.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.csv"), "id\n1\n").unwrap();
        std::fs::write(dir.path().join("b.csv"), "id\n1\n").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/up")).unwrap();
        let walk = files(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(relative(&walk, dir.path()), ["a/x.csv", "b.csv"]);
        assert_eq!(walk.loops.len(), 1);
        assert!(walk.loops[0].contains("loops back"), "{:?}", walk.loops);
    }

    #[test]
    fn directories_are_walked_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.csv", "a/z.csv", "a/c.csv"] {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "id\n").unwrap();
        }
        let walk = files(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(relative(&walk, dir.path()), ["a/c.csv", "a/z.csv", "b.csv"]);
    }
}
