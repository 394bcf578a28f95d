//! `chujing rules list|show|check` and `--rules DIR`.

use serde_json::Value;

use crate::util::{chujing, root};

#[test]
fn list_and_show() {
    let (code, out, _) = chujing(&["rules", "list", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "cn-pipl",
            "cn-sa-measures-2022",
            "cn-cert-rules-2022",
            "cn-scc-measures-2023",
            "cn-provisions-2024",
            "cn-network-data-regs-2025",
            "cn-cert-measures-2026",
            "cn-standards"
        ]
    );
    let (code, out, _) = chujing(&["rules", "show", "cn-provisions-2024", "--lang", "zh"]);
    assert_eq!(code, 0);
    assert!(out.contains("促进和规范数据跨境流动规定"));
    assert!(out.contains("第五条第（四）项"));
    let (code, _, err) = chujing(&["rules", "show", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("known packs: cn-pipl"), "{err}");
}

#[test]
fn check_passes_on_the_built_in_packs() {
    let (code, out, err) = chujing(&["rules", "check", "crates/chujing-law/rules"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok:"), "{out}");
}

/// Copies the built-in packs to a temporary directory, applying `edit(file name, text)` to each file.
fn copy_rules(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("crates/chujing-law/rules")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = edit(&name, std::fs::read_to_string(&path).unwrap());
        std::fs::write(dir.path().join(&name), text).unwrap();
    }
    dir
}

/// Copies the built-in packs with `edit` applied to one file, and runs `rules check` on the copy.
fn check_edited(file: &str, edit: impl Fn(&str) -> String) -> (i32, String) {
    let dir = copy_rules(|name, text| {
        if name != file {
            return text;
        }
        let edited = edit(&text);
        assert_ne!(edited, text, "the edit changed nothing");
        edited
    });
    let (code, _, err) = chujing(&["rules", "check", dir.path().to_str().unwrap()]);
    (code, err.replace(&format!("{}/", dir.path().display()), ""))
}

#[test]
fn check_finds_a_rule_without_citation() {
    let (code, err) = check_edited("provisions-2024.toml", |t| {
        t.replacen("article = { zh = \"第八条\", en = \"Art. 8\" }\n", "", 1)
    });
    assert_eq!(code, 2);
    assert!(
        err.contains("provisions-2024.toml:") && err.contains("missing field `article`"),
        "{err}"
    );
}

#[test]
fn check_finds_overlapping_dates() {
    let (code, err) = check_edited("sa-measures-2022.toml", |t| {
        t.replacen(
            "kind = \"since_previous_year\"\nends = \"2024-03-21\"",
            "kind = \"since_previous_year\"\nends = \"2024-06-30\"",
            1,
        )
    });
    assert_eq!(code, 2);
    assert!(err.contains("overlap"), "{err}");
}

#[test]
fn check_finds_a_gap() {
    let (code, err) = check_edited("sa-measures-2022.toml", |t| {
        t.replacen(
            "kind = \"since_previous_year\"\nends = \"2024-03-21\"",
            "kind = \"since_previous_year\"\nends = \"2024-01-31\"",
            1,
        )
    });
    assert_eq!(code, 2);
    assert!(err.contains("gap"), "{err}");
}

#[test]
fn check_finds_a_schema_error_with_its_line() {
    let (code, err) = check_edited("pipl.toml", |t| {
        t.replacen(
            "pathway = \"security_assessment\"",
            "pathway = \"audit\"",
            1,
        )
    });
    assert_eq!(code, 2);
    assert!(
        err.contains("pipl.toml:") && err.contains("unknown variant `audit`"),
        "{err}"
    );
}

#[test]
fn check_finds_non_monotone_law() {
    let (code, err) = check_edited("provisions-2024.toml", |t| {
        t.replacen(
            "{ fact = \"individuals\", less_than = 100000 },",
            "{ fact = \"individuals\", at_least = 100000 },",
            1,
        )
    });
    assert_eq!(code, 2);
    assert!(err.contains("makes the pathway lighter"), "{err}");
}

#[test]
fn rules_dir_changes_the_law_without_a_release() {
    // A legal team lowers the contract threshold in its own copy of the packs; `assess --rules` follows it.
    let dir = copy_rules(|_, text| {
        text.replace(
            "{ fact = \"individuals\", less_than = 100000 },",
            "{ fact = \"individuals\", less_than = 5000 },",
        )
        .replace(
            "at_least = 100000, less_than = 1000000",
            "at_least = 5000, less_than = 1000000",
        )
    });
    let (code, out, err) = chujing(&[
        "--rules",
        dir.path().to_str().unwrap(),
        "assess",
        "examples/small-exempt.toml",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pathway"], "standard_contract_or_certification");
}

#[test]
fn diff_shows_what_a_regime_change_brought() {
    let (code, out, err) = chujing(&["rules", "diff", "2024-03-21", "2024-03-22", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let changes = v["changes"].as_array().unwrap();
    let has = |id: &str, change: &str| {
        changes
            .iter()
            .any(|c| c["id"] == id && c["change"] == change)
    };
    assert!(has("cn-provisions-2024/small_volume", "appeared"), "{out}");
    assert!(has("cn-sa-measures-2022/volume", "disappeared"), "{out}");
    let (code, out, _) = chujing(&["rules", "diff", "2024-12-31", "2025-01-01", "--lang", "zh"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("statutory_duty") && out.contains("第三十五条"),
        "{out}"
    );
    let (code, _, err) = chujing(&["rules", "diff", "2020-01-01", "2025-01-01"]);
    assert_eq!(code, 2, "no law before 2021-11-01: {err}");
}
