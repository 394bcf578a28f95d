//! The contract clause checker on arbitrary text: every clause gets a result, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let paragraphs = chujing_docs::contract::paragraphs(text);
    let law = chujing_docs::contract::CheckedAgainst {
        standard: "GB/T 46068-2025",
        recipient_duty: "PIPL Art. 38(3)",
    };
    for lang in [chujing_law::Lang::Zh, chujing_law::Lang::En] {
        let _ = chujing_docs::contract::check(&paragraphs, lang, &law);
    }
});
