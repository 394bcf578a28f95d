//! Whole streams through the scanner: formats, encodings, bad input, and arbitrary bytes.

use chujing_scan::{Category, Classifier, Format, Options, ScanError, TableReport, scan};
use jiff::civil::Date;
use proptest::prelude::*;

fn options() -> Options {
    Options {
        classifier: Classifier::new(Date::new(2026, 11, 22).unwrap()),
        subject_column: None,
        sample: None,
        max_line: 1 << 16,
        workers: 2,
    }
}

fn run(bytes: &[u8], format: Format, options: &Options) -> Result<TableReport, ScanError> {
    scan(std::io::Cursor::new(bytes.to_vec()), format, options)
}

/// (column, category, count) of every finding.
fn findings(r: &TableReport) -> Vec<(String, Category, u64)> {
    let mut out: Vec<_> = r
        .columns
        .iter()
        .flat_map(|c| {
            c.findings
                .iter()
                .map(|f| (c.name.clone(), f.category, f.count))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn csv_with_semicolons_quotes_and_many_rows() {
    let mut text = String::from("name;\"id number\";note\n");
    for i in 0..20_000 {
        // Half the rows hold a valid ID in quotes, the others a decoy order number.
        if i % 2 == 0 {
            text.push_str("张三;\"11010519491231002X\";\"a; b\"\n");
        } else {
            text.push_str(&format!("李四;\"{}\";x\n", 202611220000000000u64 + i));
        }
    }
    let r = run(text.as_bytes(), Format::Delimited(b';'), &options()).unwrap();
    assert_eq!(r.rows, 20_000);
    assert_eq!(r.format, "delimited");
    let f = findings(&r);
    assert!(
        f.contains(&("id number".into(), Category::CnResidentId, 10_000)),
        "{f:?}"
    );
    assert!(
        f.contains(&("name".into(), Category::PersonName, 20_000)),
        "{f:?}"
    );
}

#[test]
fn json_lines_nested_fields_are_dotted_paths() {
    let text = b"{\"user\":{\"id\":\"11010519491231002X\",\"phones\":[\"13800138000\",\"13900139000\"]}}\n\nnot json\n{\"user\":{\"id\":\"110105202001010015\"}}\n";
    let mut o = options();
    o.subject_column = Some("user.id".into());
    let r = run(text, Format::JsonLines, &o).unwrap();
    let f = findings(&r);
    assert!(
        f.contains(&("user.id".into(), Category::CnResidentId, 2)),
        "{f:?}"
    );
    assert!(
        f.contains(&("user.phones[]".into(), Category::CnMobile, 2)),
        "{f:?}"
    );
    assert!(
        f.contains(&("user.id".into(), Category::MinorUnder14, 1)),
        "{f:?}"
    );
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].line, Some(3));
    let i = r.individuals.unwrap();
    assert_eq!(i.with_personal_information, 2);
    assert_eq!(i.with_sensitive_information, 1);
}

#[test]
fn a_huge_line_is_cut_not_held() {
    let mut text = b"id\n".to_vec();
    text.extend(std::iter::repeat_n(b'7', 1 << 20));
    text.extend(b"\n11010519491231002X\n");
    let r = run(&text, Format::Delimited(b','), &options()).unwrap();
    assert_eq!(r.warnings[0].line, Some(2), "{:?}", r.warnings);
    assert!(findings(&r).contains(&("id".into(), Category::CnResidentId, 1)));
}

#[test]
fn decoy_columns_report_nothing() {
    // Order numbers (18 digits), millisecond timestamps, IDs whose check character is wrong (computed
    // independently), credit codes.
    let mut text = String::from("order,ts,bad_id,uscc\n");
    for i in 0..5_000u64 {
        let order = 100000000000000000 + i * 7919;
        let bad_id = crate::ids::wrong_check_id(&format!("11010519491231{:03}", i % 1000));
        text.push_str(&format!(
            "{order},{},{bad_id},91350100M000100Y43\n",
            1763800000000 + i
        ));
    }
    let r = run(text.as_bytes(), Format::Delimited(b','), &options()).unwrap();
    let personal: Vec<_> = findings(&r)
        .into_iter()
        .filter(|(_, c, _)| c.is_personal())
        .collect();
    assert_eq!(personal, [], "decoys found as PI");
    assert!(findings(&r).contains(&("uscc".into(), Category::OrgCreditCode, 5_000)));
}

#[test]
fn sampling_stops_early() {
    let mut text = String::from("phone\n");
    for _ in 0..50_000 {
        text.push_str("13800138000\n");
    }
    let mut o = options();
    o.sample = Some(100);
    let r = run(text.as_bytes(), Format::Delimited(b','), &o).unwrap();
    assert_eq!(r.rows, 100);
    assert!(r.sampled);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Arbitrary bytes never panic the scanner, in any format.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2_000)) {
        for format in [Format::Delimited(b','), Format::JsonLines, Format::Text] {
            let _ = run(&bytes, format, &options());
        }
    }

    /// Arbitrary text cells never panic the classifier, with any header hint.
    #[test]
    fn arbitrary_cells_never_panic(cell in "\\PC{0,60}", header in "(身份证|手机|银行卡|姓名|地址|出生日期|age|lat|诊断|x)") {
        let text = format!("{header}\n\"{}\"\n", cell.replace('"', "\"\""));
        let _ = run(text.as_bytes(), Format::Delimited(b','), &options()).unwrap();
    }
}

#[test]
fn an_unterminated_quote_does_not_swallow_the_file() {
    let mut text = b"id,note\n11010519491231002X,\"never closed\n".to_vec();
    for _ in 0..20_000 {
        text.extend(b"11010519491231002X,plain\n");
    }
    let r = run(&text, Format::Delimited(b','), &options()).unwrap();
    // The quoted run is cut at 64 KiB and its line named; the rows after the cut are scanned again.
    assert_eq!(
        r.warnings[0].line,
        Some(2 + (1 << 16) / 25),
        "{:?}",
        r.warnings
    );
    let ids = findings(&r)
        .into_iter()
        .find(|f| f.1 == Category::CnResidentId)
        .unwrap();
    assert!(ids.2 > 15_000, "{ids:?}");
}

#[test]
fn invalid_utf8_is_a_warning_with_its_line() {
    // Valid UTF-8 for the first 64 KiB (so the file is read as UTF-8), then a row that is not.
    let mut text = b"name,phone\n".to_vec();
    for _ in 0..5_000 {
        text.extend(b"ok,13900139000\n");
    }
    text.extend(b"\xff\xfe,13800138000\n");
    let r = run(&text, Format::Delimited(b','), &options()).unwrap();
    assert_eq!(r.rows, 5_001);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.line == Some(5_002) && w.message.contains("UTF-8")),
        "{:?}",
        r.warnings
    );
}

fn with_subject(column: &str) -> Options {
    Options {
        subject_column: Some(column.into()),
        ..options()
    }
}

#[test]
fn a_repeated_header_is_kept_apart_and_no_column_shifts() {
    // Before: the second `id` was merged into the first, so `email` took the fourth column's index and the
    // last column was never read.
    let text =
        "id,phone,id,email\nx1,13800138000,y1,a@example.com\nx2,13900139000,y2,b@example.com\n";
    let r = run(text.as_bytes(), Format::Delimited(b','), &options()).unwrap();
    let names: Vec<&str> = r.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "phone", "id (2)", "email"]);
    let f = findings(&r);
    assert!(f.contains(&("email".into(), Category::Email, 2)), "{f:?}");
    assert!(
        f.contains(&("phone".into(), Category::CnMobile, 2)),
        "{f:?}"
    );
}

#[test]
fn a_subject_column_named_twice_in_the_header_is_refused() {
    let text = "uid,phone,uid\n1,13800138000,2\n";
    let err = run(
        text.as_bytes(),
        Format::Delimited(b','),
        &with_subject("uid"),
    )
    .unwrap_err();
    assert!(
        matches!(err, ScanError::AmbiguousSubject { ref name, times: 2 } if name == "uid"),
        "{err}"
    );
}

#[test]
fn a_row_with_pi_and_no_subject_value_counts_as_one_more_individual() {
    // Three rows of one person, two rows with a phone number but no uid: five rows, at most three people,
    // and the two without a uid are counted as two more (never fewer than the input can hold).
    let text =
        "uid,phone\n7,13800138000\n7,13800138000\n7,13800138000\n,13900139000\n,13700137000\n";
    let r = run(
        text.as_bytes(),
        Format::Delimited(b','),
        &with_subject("uid"),
    )
    .unwrap();
    let i = r.individuals.unwrap();
    assert_eq!(i.with_personal_information, 3);
    assert_eq!(i.unidentified_rows, 2);
    assert_eq!(i.with_sensitive_information, 0);
    assert_eq!(i.per_category[0].individuals, 3, "{:?}", i.per_category);
}

#[test]
fn a_missing_subject_column_is_a_warning_that_loses_individuals() {
    let text = "uid,phone\n7,13800138000\n";
    let r = run(
        text.as_bytes(),
        Format::Delimited(b','),
        &with_subject("user"),
    )
    .unwrap();
    let w = r
        .warnings
        .iter()
        .find(|w| w.kind == chujing_scan::WarningKind::NoSubjectColumn)
        .unwrap();
    assert!(w.kind.loses_individuals());
    let r = run(b"{\"uid\":1}\n", Format::JsonLines, &with_subject("user")).unwrap();
    assert!(
        r.warnings
            .iter()
            .any(|w| w.kind == chujing_scan::WarningKind::NoSubjectColumn),
        "{:?}",
        r.warnings
    );
}

/// A card number with a right Luhn check digit, from its first 15 digits.
fn luhn_card(body: &str) -> String {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap();
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

#[test]
fn card_numbers_in_notes_are_not_voted_down_by_resident_ids_beside_them() {
    // Before: every valid 18-digit ID that failed the Luhn check counted against the cards, and with more IDs
    // than cards the cards were dismissed as chance.
    // All-digit IDs that fail the Luhn check: each one has a card's shape and is not a card.
    let ids: Vec<String> = (0..2_000u32)
        .map(|i| crate::ids::valid_id(&format!("44052419{:02}0101{:03}", 50 + i / 1000, i % 1000)))
        .filter(|id| id.bytes().all(|b| b.is_ascii_digit()) && luhn_card(&id[..17]) != *id)
        .take(600)
        .collect();
    assert_eq!(ids.len(), 600);
    let mut text = String::from("note\n");
    for (i, pair) in ids.chunks(2).enumerate() {
        let card = luhn_card(&format!("622202{:09}", 100_000 + i));
        text.push_str(&format!("退款至卡号{card}\n"));
        for id in pair {
            text.push_str(&format!("证件号 {id} 已核验\n"));
        }
    }
    let r = run(text.as_bytes(), Format::Delimited(b','), &options()).unwrap();
    let f = findings(&r);
    assert!(
        f.contains(&("note".into(), Category::BankCard, 300)),
        "{f:?}"
    );
    assert!(
        f.contains(&("note".into(), Category::CnResidentId, 600)),
        "{f:?}"
    );
}

#[test]
fn a_number_named_by_the_words_before_it_is_checked_as_that_identifier() {
    // "card" before a number makes it a card even in a column where chance passes are the rule; an order
    // number with no such word stays dismissed.
    let mut text = String::from("note\n");
    for i in 0..50u32 {
        text.push_str(&format!(
            "card no. {}\n",
            luhn_card(&format!("622202{:09}", 200_000 + i))
        ));
        for j in 0..3u64 {
            // 16-digit reference numbers that fail the Luhn check.
            let n = 4_000_000_000_000_000u64 + u64::from(i) * 10 + j;
            let bad = if luhn_card(&(n / 10).to_string()).ends_with(&(n % 10).to_string()) {
                n + 1
            } else {
                n
            };
            text.push_str(&format!("ref {bad}\n"));
        }
    }
    let r = run(text.as_bytes(), Format::Delimited(b','), &options()).unwrap();
    let cards = findings(&r)
        .into_iter()
        .find(|f| f.1 == Category::BankCard)
        .map(|f| f.2);
    assert!(cards >= Some(50), "{:?}", findings(&r));
}

#[test]
fn key_value_log_lines_are_split_on_their_separators() {
    // Before: `id=…` (short, no space) was not taken for text, and `id:…` was one token with its key.
    let log = format!(
        "id=11010519491231002X\n\
         id:{}\n\
         ts=1732300000000|uid=7|mobile=13800138000\n\
         a;b;13900139000\n\
         user,13700137000\n\
         peer fe80::1ff:fe23:4567:890a\n",
        crate::ids::valid_id("44052419800101001")
    );
    let r = run(log.as_bytes(), Format::Text, &options()).unwrap();
    let f = findings(&r);
    assert!(
        f.contains(&("text".into(), Category::CnResidentId, 2)),
        "{f:?}"
    );
    assert!(f.contains(&("text".into(), Category::CnMobile, 3)), "{f:?}");
    assert!(
        f.contains(&("text".into(), Category::IpAddress, 1)),
        "{f:?}"
    );
}
