//! `chujing assess`: golden explanations in both languages, the JSON interface, and bad input.

use serde_json::Value;

use crate::util::{chujing, temp_file};

const EXAMPLES: &[(&str, &str)] = &[
    ("small-exempt", "exempt"),
    (
        "mid-size-standard-contract",
        "standard_contract_or_certification",
    ),
    ("large-platform-security-assessment", "security_assessment"),
    ("foreign-processor", "standard_contract_or_certification"),
    ("open-readings", "standard_contract_or_certification"),
];

#[test]
fn golden_explanations_en_and_zh() {
    for (name, _) in EXAMPLES {
        for lang in ["en", "zh"] {
            let (code, out, err) = chujing(&[
                "assess",
                &format!("examples/{name}.toml"),
                "--lang",
                lang,
                "--verbose",
            ]);
            assert_eq!(code, 0, "{err}");
            insta::assert_snapshot!(format!("assess-{name}-{lang}"), out);
        }
    }
}

#[test]
fn json_interface() {
    for (name, pathway) in EXAMPLES {
        let (code, out, err) = chujing(&["assess", &format!("examples/{name}.toml"), "--json"]);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["pathway"], *pathway, "{name}");
        for key in [
            "as_of",
            "regime",
            "flows",
            "obligations",
            "trace",
            "citations",
        ] {
            assert!(!v[key].is_null(), "{name}: missing `{key}`");
        }
        for flow in v["flows"].as_array().unwrap() {
            for key in ["id", "pathway", "exemption", "trace", "citations"] {
                assert!(flow.get(key).is_some(), "{name}: flow missing `{key}`");
            }
            assert!(!flow["trace"].as_array().unwrap().is_empty());
        }
        for o in v["obligations"].as_array().unwrap() {
            for key in ["id", "text", "citation", "due"] {
                assert!(o.get(key).is_some(), "{name}: obligation missing `{key}`");
            }
        }
        insta::assert_snapshot!(format!("assess-{name}-json"), out);
    }
}

#[test]
fn filing_deadline_skips_national_day() {
    let (_, out, _) = chujing(&[
        "assess",
        "examples/mid-size-standard-contract.toml",
        "--json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let filing = v["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            o["id"] == "cn-scc-measures-2023/contract-filing" && o["flows"][0] == "loyalty-crm"
        })
        .expect("a filing duty for loyalty-crm");
    assert_eq!(filing["due"], "2026-10-15");
}

#[test]
fn as_of_flag_wins_and_picks_the_regime() {
    // The same company in August 2023: counted since 1 January 2022, no HR exemption yet, 174,000 ≥ 100,000.
    let (code, out, err) = chujing(&[
        "assess",
        "examples/mid-size-standard-contract.toml",
        "--as-of",
        "2023-08-01",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["as_of"], "2023-08-01");
    assert_eq!(v["window"]["from"], "2022-01-01");
    assert_eq!(v["pathway"], "security_assessment");
    assert_eq!(v["flows"][0]["exemption"], Value::Null);
    assert!(
        v["flows"][0]["trace"][0]["text"]
            .as_str()
            .unwrap()
            .contains("not recognised")
    );
    assert!(
        !v["regime"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "cn-provisions-2024")
    );
}

#[test]
fn json_profiles_are_accepted() {
    let json = r#"{"processor": {"name": "J"}, "flows": [{"id": "a", "country": "JP", "categories": ["contact"], "individuals": 120000}]}"#;
    let (_dir, path) = temp_file("p.json", json);
    let (code, out, err) = chujing(&[
        "assess",
        path.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pathway"], "standard_contract_or_certification");
    assert_eq!(v["totals"]["source"], "sum_of_flows");
}

/// (profile text, what the error must say)
const BAD: &[(&str, &str)] = &[
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"ZZ\"\n",
        "p.toml:5:11: `flows[0].country`: unknown country code `ZZ`",
    ),
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = -4\n",
        "p.toml:6:15: `flows[0].individuals`",
    ),
    (
        "[processor]\nname = \"X\"\nciio = \"no\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 1\n",
        "p.toml:3:8: `processor.ciio`",
    ),
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 1\nkind = \"email\"\n",
        "unknown variant `email`, expected one of `transfer`, `remote_access`, `offshore_processing`",
    ),
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 1\nexemption = \"small_volume\"\n",
        "`small_volume` is decided from the counts and cannot be claimed",
    ),
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 1\ncolour = \"red\"\n",
        "p.toml:7:1: `flows[0].colour`: unknown field `colour`",
    ),
    (
        "as_of = \"2026-02-29\"\n[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 1\n",
        "p.toml:1:9: `as_of`: impossible date `2026-02-29`",
    ),
    ("[processor]\nname = \"X\"\n", "missing field `flows`"),
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 1\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 1\n",
        "flow id `a` is used twice",
    ),
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"JP\"\n",
        "`individuals` is missing",
    ),
    (
        "[processor]\nname = \"X\"\n[[flows]]\nid = \"a\"\ncountry = \"US\"\nindividuals = 5\nsensitive_individuals = 6\n",
        "exceeds individuals",
    ),
    ("[processor\nname = \"X\"\n", "p.toml:1:"),
];

#[test]
fn bad_input_names_file_line_and_field_and_exits_2() {
    for (text, expected) in BAD {
        let (dir, path) = temp_file("p.toml", text);
        let (code, out, err) =
            chujing(&["assess", path.to_str().unwrap(), "--as-of", "2026-11-22"]);
        let err = err.replace(&format!("{}/", dir.path().display()), "");
        assert_eq!(code, 2, "{text}\n{err}");
        assert!(out.is_empty());
        assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn dates_without_law_and_bad_flags_exit_2() {
    let (code, _, err) = chujing(&[
        "assess",
        "examples/small-exempt.toml",
        "--as-of",
        "2020-05-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no cross-border regime is in force on 2020-05-01"),
        "{err}"
    );
    let (code, _, err) = chujing(&[
        "assess",
        "examples/small-exempt.toml",
        "--as-of",
        "2026-13-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("impossible date") || err.contains("does not exist"),
        "{err}"
    );
    let (code, _, err) = chujing(&["assess", "no/such/file.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.toml"), "{err}");
}

#[test]
fn help_teaches() {
    for args in [
        &["--help"][..],
        &["assess", "--help"],
        &["rules", "check", "--help"],
    ] {
        let (code, out, _) = chujing(args);
        assert_eq!(code, 0);
        insta::assert_snapshot!(format!("help-{}", args.join("-").replace("--", "")), out);
    }
}

/// `chujing assess --json | head -1`: the reader closing the pipe ends the output normally, silently.
#[test]
fn json_into_a_closed_pipe_is_a_normal_end() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("chujing"))
        .args([
            "assess",
            "examples/large-platform-security-assessment.toml",
            "--json",
        ])
        .current_dir(crate::util::root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before anything is written
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {err}", out.status);
    assert!(err.is_empty(), "{err}");
}

#[test]
fn reading_flag_decides_an_open_question_the_other_way() {
    let (_dir, path) = crate::util::temp_file("p.toml", crate::util::HR_EXEMPT_BESIDE_80K);
    let p = path.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["assess", p, "--as-of", "2026-11-23", "--json"];
        args.extend_from_slice(extra);
        let (code, out, err) = chujing(&args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let read = run(&[]);
    assert_eq!(read["pathway"], "exempt");
    assert_eq!(
        read["open_readings"][0]["alternative_pathway"],
        "standard_contract_or_certification"
    );
    let other = run(&["--reading", "exempted-transfers-counted=alternative"]);
    assert_eq!(other["pathway"], "standard_contract_or_certification");
    assert_eq!(other["open_readings"][0]["alternative_pathway"], "exempt");
    let (code, _, err) = chujing(&["assess", p, "--reading", "no-such=alternative"]);
    assert_eq!(code, 2);
    assert!(err.contains("exempted-transfers-counted"), "{err}");
}
