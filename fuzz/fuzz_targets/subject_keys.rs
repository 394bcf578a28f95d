//! The ledger's input reader on arbitrary bytes, as CSV, TSV and JSON Lines: records, bad rows or a structural
//! error — never a panic. And the cardinal rule: on plain CSV (printable ASCII, no quotes) every non-blank line
//! after the header comes back as a record or a bad row, none silently dropped.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let columns = chujing_records::Columns {
        subject: "id".into(),
        sensitive: Some("s".into()),
    };
    for name in ["in.csv", "in.tsv", "in.jsonl"] {
        let path = dir.path().join(name);
        if std::fs::write(&path, data).is_err() {
            return;
        }
        let read = chujing_records::keys::read(
            &path,
            &columns,
            |_| {},
            || 0_u64,
            |n, _row| *n += 1,
            |_, _| {},
        );
        let plain = data
            .iter()
            .all(|b| *b == b'\n' || (b' '..=b'~').contains(b) && *b != b'"');
        if let (Ok(chunks), true, "in.csv") = (read, plain, name) {
            let text = std::str::from_utf8(data).unwrap_or_default();
            let lines = text.lines().skip(1).filter(|l| !l.trim().is_empty()).count() as u64;
            let seen: u64 = chunks.parts.iter().sum();
            assert_eq!(seen, lines, "every data line is a record or a bad row");
        }
    }
});
