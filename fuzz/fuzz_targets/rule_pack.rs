//! A rule pack of arbitrary text beside the embedded ones: it is refused with problems or loaded, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (mut packs, calendar) = chujing_law::rulebook::RuleBook::embedded_sources();
    packs.push(("fuzzed.toml".to_string(), text.to_string()));
    if let Ok(book) = chujing_law::rulebook::RuleBook::from_sources(&packs, &calendar) {
        let _ = chujing_law::check::check_semantics(&book);
    }
    // The calendar is read by the same parser family.
    let _ = chujing_law::rulebook::RuleBook::from_sources(&packs[..1], &("calendar.toml".into(), text.into()));
});
