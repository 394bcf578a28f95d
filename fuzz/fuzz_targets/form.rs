//! The reader of a filled standard contract on arbitrary text, compared with the official form in both
//! languages; and a form definition of arbitrary text. Never a panic.
#![no_main]
use chujing_law::form::{Form, FormId};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let contract = chujing_docs::form_check::parse(text);
    if let Ok(form) = Form::builtin(FormId::StandardContract) {
        for lang in [chujing_law::Lang::Zh, chujing_law::Lang::En] {
            let _ = chujing_docs::form_check::compare(&form, &contract, lang);
        }
    }
    let _ = Form::from_toml("fuzzed.toml", text);
});
