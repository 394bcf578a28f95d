//! A processor profile of arbitrary text, as TOML and as JSON: refused with a located error or parsed.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = chujing_law::profile::Profile::parse("fuzzed.toml", text);
    let _ = chujing_law::profile::Profile::parse("fuzzed.json", text);
});
