//! Bytes to UTF-8 text: byte-order marks, GB18030, binary data; the delimiter of a header row.

use std::io::{BufRead, BufReader, Read};

use crate::{RecordsError, Result};

/// Bytes looked at to decide the encoding and whether the input is binary.
const SNIFF_BYTES: usize = 64 << 10;

/// The encoding an input was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (as Excel writes it), which is dropped.
    Utf8Bom,
    /// UTF-16, little- or big-endian, announced by its byte-order mark.
    Utf16,
    /// GB18030, which also decodes GBK and GB2312: the encoding of most Chinese text that is not UTF-8.
    Gb18030,
}

impl Encoding {
    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8 (bom)",
            Encoding::Utf16 => "utf-16",
            Encoding::Gb18030 => "gb18030",
        }
    }
}

/// A stream decoded to UTF-8.
pub struct Decoded {
    /// The text, without any byte-order mark.
    pub reader: BufReader<Box<dyn Read + Send>>,
    /// What it was encoded in.
    pub encoding: Encoding,
}

impl std::fmt::Debug for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoded")
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

impl Decoded {
    /// The delimiter of the first line (the header), looking no further than what is buffered.
    pub fn sniff_delimiter(&mut self) -> Result<u8> {
        let buffered = self
            .reader
            .fill_buf()
            .map_err(|e| RecordsError::Input(format!("cannot read: {e}")))?;
        let header = memchr::memchr(b'\n', buffered)
            .map_or(buffered, |end| buffered.get(..end).unwrap_or(buffered));
        Ok(guess_delimiter(header))
    }
}

/// Decodes `reader` (from the input `name`) to UTF-8: a UTF-8 or UTF-16 byte-order mark is honoured and
/// dropped; text that is not valid UTF-8 in its first 64 KiB is read as GB18030; NUL bytes near the start
/// (without a UTF-16 mark) are refused as binary.
pub fn decode(name: &str, reader: Box<dyn Read + Send>) -> Result<Decoded> {
    let mut reader = BufReader::with_capacity(SNIFF_BYTES, reader);
    let prefix = reader
        .fill_buf()
        .map_err(|e| RecordsError::Input(format!("{name}: cannot read: {e}")))?;
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
        return Ok(Decoded {
            reader: rebuffer(reader),
            encoding: Encoding::Utf8Bom,
        });
    }
    if prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF") {
        let text = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .bom_sniffing(true)
            .build(reader);
        return Ok(Decoded {
            reader: BufReader::with_capacity(SNIFF_BYTES, Box::new(text)),
            encoding: Encoding::Utf16,
        });
    }
    if memchr::memchr(0, prefix).is_some() {
        return Err(RecordsError::Binary(name.to_string()));
    }
    // Valid UTF-8, allowing a sequence cut at the end of the prefix.
    let utf8 = match std::str::from_utf8(prefix) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if utf8 {
        return Ok(Decoded {
            reader: rebuffer(reader),
            encoding: Encoding::Utf8,
        });
    }
    let text = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding_rs::GB18030))
        .bom_sniffing(false)
        .build(reader);
    Ok(Decoded {
        reader: BufReader::with_capacity(SNIFF_BYTES, Box::new(text)),
        encoding: Encoding::Gb18030,
    })
}

/// The same buffered stream as a boxed reader.
fn rebuffer(reader: BufReader<Box<dyn Read + Send>>) -> BufReader<Box<dyn Read + Send>> {
    BufReader::with_capacity(SNIFF_BYTES, Box::new(reader))
}

/// The delimiter a header row most likely uses: the most frequent of `,` `\t` `;` `|` (a comma when none).
pub fn guess_delimiter(header: &[u8]) -> u8 {
    let mut best = (0, b',');
    for d in [b',', b'\t', b';', b'|'] {
        let n = memchr::memchr_iter(d, header).count();
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    fn read_all(bytes: Vec<u8>) -> (String, Encoding) {
        let mut d = decode("t", Box::new(std::io::Cursor::new(bytes))).unwrap();
        let mut s = String::new();
        d.reader.read_to_string(&mut s).unwrap();
        (s, d.encoding)
    }

    #[test]
    fn every_encoding_reads_as_the_same_text() {
        let text = "姓名,手机号码\n张三,13800138000\n";
        assert_eq!(read_all(text.into()), (text.into(), Encoding::Utf8));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(read_all(bom), (text.into(), Encoding::Utf8Bom));
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(read_all(gb.into_owned()), (text.into(), Encoding::Gb18030));
        let mut utf16 = b"\xFF\xFE".to_vec();
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read_all(utf16), (text.into(), Encoding::Utf16));
    }

    #[test]
    fn binary_data_is_refused() {
        let err = decode(
            "x.zip",
            Box::new(std::io::Cursor::new(b"PK\x03\x04\x00\x00binary".to_vec())),
        )
        .unwrap_err();
        assert!(matches!(err, RecordsError::Binary(n) if n == "x.zip"));
    }

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(guess_delimiter(b"a;b;c"), b';');
        assert_eq!(guess_delimiter(b"a\tb,c\td"), b'\t');
        assert_eq!(guess_delimiter(b"single"), b',');
        let mut d = decode(
            "t",
            Box::new(std::io::Cursor::new(b"a|b|c\n1,2|3|4\n".to_vec())),
        )
        .unwrap();
        assert_eq!(d.sniff_delimiter().unwrap(), b'|');
    }
}
