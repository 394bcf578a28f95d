//! The scanner on arbitrary bytes in each format: a report with warnings, or an error — never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let today = jiff::civil::date(2026, 12, 7);
    for format in [
        chujing_scan::Format::Delimited(b','),
        chujing_scan::Format::Delimited(b'\t'),
        chujing_scan::Format::JsonLines,
        chujing_scan::Format::Text,
    ] {
        let options = chujing_scan::Options {
            classifier: chujing_scan::Classifier::new(today),
            subject_column: Some("id".into()),
            sample: None,
            max_line: 4096,
            workers: 1,
        };
        let _ = chujing_scan::scan(data, format, &options);
    }
});
