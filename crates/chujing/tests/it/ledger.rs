//! `chujing ledger`: exact counts from transfer files, windows, the what-if gate, both databases, crashes.

use std::io::Write;

use serde_json::Value;

use crate::util::{TEST_KEY, chujing_env};

/// A temporary ledger: a SQLite database (or the given URL) and a folder for input files.
struct Ledger {
    dir: tempfile::TempDir,
    db: String,
}

impl Ledger {
    fn sqlite() -> Ledger {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("ledger.db").display());
        Ledger { dir, db }
    }

    fn with_db(db: String) -> Ledger {
        Ledger {
            dir: tempfile::tempdir().unwrap(),
            db,
        }
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut full = vec!["--db", self.db.as_str()];
        full.extend_from_slice(args);
        chujing_env(&full, &[("CHUJING_LEDGER_KEY", TEST_KEY)])
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut full = args.to_vec();
        full.push("--json");
        let (code, out, err) = self.run(&full);
        assert_eq!(code, 0, "{args:?}: {err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    /// Records the processor's facts (`processor set`), located in China, a CIIO or not; asserts success.
    fn record_processor(&self, name: &str, ciio: bool) {
        let ciio = ciio.to_string();
        let (code, _, err) = self.run(&[
            "processor",
            "set",
            "--name",
            name,
            "--ciio",
            &ciio,
            "--located-in-china",
            "true",
        ]);
        assert_eq!(code, 0, "{err}");
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    /// The arguments of `ledger ingest FILE` with subject column `id`, then `extra`.
    fn ingest_args<'a>(
        file: &'a str,
        flow: &'a str,
        date: &'a str,
        extra: &[&'a str],
    ) -> Vec<&'a str> {
        let mut args = vec![
            "ledger",
            "ingest",
            file,
            "--subject-column",
            "id",
            "--flow",
            flow,
            "--date",
            date,
        ];
        args.extend_from_slice(extra);
        args
    }

    fn ingest(&self, file: &str, flow: &str, date: &str, extra: &[&str]) -> Value {
        self.json(&Ledger::ingest_args(file, flow, date, extra))
    }

    /// `ledger ingest` that may fail: (exit code, stdout, stderr).
    fn try_ingest(
        &self,
        file: &str,
        flow: &str,
        date: &str,
        extra: &[&str],
    ) -> (i32, String, String) {
        self.run(&Ledger::ingest_args(file, flow, date, extra))
    }

    fn status(&self, as_of: &str) -> Value {
        self.json(&["ledger", "status", "--as-of", as_of])
    }
}

/// CSV text with an `id` and a `sensitive` column for subjects `range` (every 10th sensitive).
fn csv(range: std::ops::Range<u32>) -> String {
    let mut s = String::from("name,id,sensitive\n");
    for i in range {
        s.push_str(&format!(
            "n{i},1101051990{i:08},{}\n",
            if i % 10 == 0 { "yes" } else { "no" }
        ));
    }
    s
}

fn window(status: &Value) -> (u64, u64) {
    let w = &status["windows"][0];
    (
        w["individuals"].as_u64().unwrap(),
        w["sensitive_individuals"].as_u64().unwrap(),
    )
}

#[test]
fn every_format_counts_the_same_people() {
    if !crate::util::parquet_built("every_format_counts_the_same_people") {
        return;
    }
    let rows = 0..1000u32;
    let csv_text = csv(rows.clone());
    let tsv_text = csv_text.replace(',', "\t");
    let jsonl: String = rows
        .clone()
        .map(|i| {
            format!(
                "{{\"person\": {{\"id\": \"1101051990{i:08}\"}}, \"sensitive\": {}}}\n",
                i % 10 == 0
            )
        })
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(csv_text.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let zst = zstd::encode_all(jsonl.as_bytes(), 3).unwrap();
    // Full-width digits and spaces around the key are the same person.
    let fullwidth: String = csv_text
        .lines()
        .map(|l| {
            l.chars()
                .map(|c| {
                    if c.is_ascii_digit() && l.contains("n") {
                        char::from_u32(c as u32 + 0xFEE0).unwrap()
                    } else {
                        c
                    }
                })
                .collect::<String>()
                + "\n"
        })
        .collect::<String>()
        .replace("ｎ", "n");
    let parquet = {
        use std::sync::Arc;
        let ids: Vec<i64> = rows
            .clone()
            .map(|i| 110105199000000000 + i64::from(i))
            .collect();
        let flags: Vec<bool> = rows.clone().map(|i| i % 10 == 0).collect();
        let batch = arrow_array::RecordBatch::try_from_iter([
            (
                "id",
                Arc::new(arrow_array::Int64Array::from(ids)) as arrow_array::ArrayRef,
            ),
            (
                "sensitive",
                Arc::new(arrow_array::BooleanArray::from(flags)) as arrow_array::ArrayRef,
            ),
        ])
        .unwrap();
        let mut out = Vec::new();
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        out
    };
    let inputs: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a.parquet", parquet, "id"),
        ("a.csv", csv_text.clone().into_bytes(), "id"),
        ("a.tsv", tsv_text.into_bytes(), "id"),
        ("a.jsonl", jsonl.into_bytes(), "person.id"),
        ("a.csv.gz", gz, "id"),
        ("a.jsonl.zst", zst, "person.id"),
        ("b.csv", fullwidth.into_bytes(), "id"),
    ];
    let ledger = Ledger::sqlite();
    for (name, bytes, column) in inputs {
        let path = ledger.file(name, &bytes);
        let v = ledger.json(&[
            "ledger",
            "ingest",
            &path,
            "--subject-column",
            column,
            "--sensitive-column",
            "sensitive",
            "--flow",
            name,
            "--date",
            "2026-05-01",
        ]);
        assert_eq!(
            (
                v["records"].as_u64(),
                v["individuals"].as_u64(),
                v["sensitive_individuals"].as_u64()
            ),
            (Some(1000), Some(1000), Some(100)),
            "{name}: {v}"
        );
    }
    // Six batches, the same 1,000 people: the ledger counts them once.
    assert_eq!(window(&ledger.status("2026-11-22")), (1000, 100));
}

#[test]
fn the_same_batch_is_counted_once() {
    let ledger = Ledger::sqlite();
    let a = ledger.file("a.csv", csv(0..500).as_bytes());
    assert_eq!(
        ledger.ingest(&a, "crm", "2026-03-01", &[])["status"],
        "inserted"
    );
    assert_eq!(
        ledger.ingest(&a, "crm", "2026-03-01", &[])["status"],
        "already_present"
    );
    let b = ledger.file("b.csv", csv(400..900).as_bytes());
    assert_eq!(
        ledger.ingest(&b, "crm", "2026-03-02", &["--batch-id", "march-2"])["status"],
        "inserted"
    );
    assert_eq!(
        ledger.ingest(&b, "crm", "2026-03-02", &["--batch-id", "march-2"])["status"],
        "already_present"
    );
    // The id given again for another file is refused: taking it as counted would leave the file uncounted.
    let (code, _, err) = ledger.try_ingest(&a, "crm", "2026-03-02", &["--batch-id", "march-2"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("already in the ledger for a different input"),
        "{err}"
    );
    assert_eq!(window(&ledger.status("2026-11-22")).0, 900);
}

#[test]
fn bad_rows_are_named_and_nothing_is_half_ingested() {
    let ledger = Ledger::sqlite();
    let missing = ledger.file("m.csv", b"name,idx\na,1\n");
    let (code, _, err) = ledger.run(&[
        "ledger",
        "ingest",
        &missing,
        "--subject-column",
        "id",
        "--flow",
        "f",
        "--date",
        "2026-01-05",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("m.csv:1: no column `id`; the header has: name, idx"),
        "{err}"
    );

    let empty = ledger.file(
        "e.csv",
        b"name,id\na,110105199001010011\nb,  \nc,110105199001010038\n",
    );
    let (code, _, err) = ledger.run(&[
        "ledger",
        "ingest",
        &empty,
        "--subject-column",
        "id",
        "--flow",
        "f",
        "--date",
        "2026-01-05",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("e.csv:3: column `id`: empty subject key; nothing was ingested"),
        "{err}"
    );
    assert_eq!(window(&ledger.status("2026-11-22")).0, 0);

    let ragged = ledger.file("r.csv", b"name,id\na,110105199001010011\nb,2,extra\n");
    let (code, _, err) = ledger.run(&[
        "ledger",
        "ingest",
        &ragged,
        "--subject-column",
        "id",
        "--flow",
        "f",
        "--date",
        "2026-01-05",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("r.csv:3: expected 2 fields like the header, found 3"),
        "{err}"
    );

    let flag = ledger.file("s.csv", b"id,s\n110105199001010011,maybe\n");
    let (code, _, err) = ledger.run(&[
        "ledger",
        "ingest",
        &flag,
        "--subject-column",
        "id",
        "--sensitive-column",
        "s",
        "--flow",
        "f",
        "--date",
        "2026-01-05",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("s.csv:2: column `s`: `maybe` is not a yes/no value"),
        "{err}"
    );

    let v = ledger.ingest(&empty, "f", "2026-01-05", &["--skip-bad-rows"]);
    assert_eq!(
        (
            v["records"].as_u64(),
            v["skipped_rows"].as_u64(),
            v["bad_rows"][0]["line"].as_u64()
        ),
        (Some(2), Some(1), Some(3))
    );
    assert_eq!(window(&ledger.status("2026-11-22")).0, 2);
}

#[test]
fn windows_follow_regime_changes_and_exemptions() {
    let ledger = Ledger::sqlite();
    let a = ledger.file("a.csv", csv(0..300).as_bytes());
    let b = ledger.file("b.csv", csv(200..600).as_bytes());
    let hr = ledger.file("hr.csv", csv(5000..5100).as_bytes());
    ledger.ingest(
        &a,
        "crm",
        "2023-12-20",
        &["--sensitive-column", "sensitive"],
    );
    ledger.ingest(
        &b,
        "crm",
        "2024-02-10",
        &["--sensitive-column", "sensitive"],
    );
    ledger.ingest(&hr, "hr", "2024-02-10", &[]);
    // Before 2024-03-22: since 1 January 2023, HR counted (no such exemption yet).
    let s = ledger.status("2024-03-21");
    assert_eq!(
        (
            s["windows"][0]["kind"].as_str(),
            s["windows"][0]["from"].as_str()
        ),
        (Some("since_previous_year"), Some("2023-01-01"))
    );
    assert_eq!(window(&s), (700, 60));
    // From 2024-03-22: since 1 January 2024; HR still counted until the exemption is recorded.
    let s = ledger.status("2024-03-22");
    assert_eq!(
        (s["windows"][0]["kind"].as_str(), window(&s)),
        (Some("calendar_year"), (500, 40))
    );
    let (code, _, err) = ledger.run(&["flow", "set", "hr", "--exemption", "hr_management"]);
    assert_eq!(code, 0, "{err}");
    let s = ledger.status("2024-03-22");
    assert_eq!(window(&s), (400, 40));
    assert_eq!(s["windows"][0]["excluded_flows"][0], "hr");
    assert_eq!(window(&ledger.status("2024-12-31")), (400, 40));
    assert_eq!(window(&ledger.status("2025-01-01")), (0, 0));
}

#[test]
fn thresholds_alerts_and_the_what_if_gate() {
    let ledger = Ledger::sqlite();
    let big = ledger.file("big.csv", csv(0..85_000).as_bytes());
    ledger.ingest(&big, "crm", "2026-04-01", &[]);
    let s = ledger.status("2026-11-22");
    let t = s["windows"][0]["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["threshold"] == 100_000)
        .unwrap()
        .clone();
    assert_eq!(
        (t["value"].as_u64(), t["reached"].as_bool()),
        (Some(85_000), Some(false))
    );
    assert!(
        s["alerts"][0]["message"]
            .as_str()
            .unwrap()
            .contains("85,000 individuals (85%) is close to the threshold of 100,000"),
        "{s}"
    );
    assert_eq!(s["pathway"], "exempt");

    // The gate decides nothing before the processor's facts are recorded: it names them, exit 2.
    let next = ledger.file("next.csv", csv(85_000..105_000).as_bytes());
    let gate = [
        "ledger",
        "check",
        next.as_str(),
        "--subject-column",
        "id",
        "--flow",
        "crm",
        "--date",
        "2026-11-23",
    ];
    let (code, _, err) = ledger.run(&gate);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`ciio`")
            && err.contains("`located_in_china`")
            && err.contains("processor set"),
        "{err}"
    );
    // The first record states both facts: a name alone is refused.
    let (code, _, err) = ledger.run(&["processor", "set", "--name", "Acme"]);
    assert_eq!(code, 2, "{err}");
    ledger.record_processor("Acme", false);

    // 20,000 more people would cross 100,000: a standard contract or certification is needed, none recorded.
    let (code, out, _) = ledger.run(&[
        "ledger",
        "check",
        &next,
        "--subject-column",
        "id",
        "--flow",
        "crm",
        "--date",
        "2026-11-23",
        "--json",
    ]);
    assert_eq!(code, 3, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            v["before"]["pathway"].as_str(),
            v["after"]["pathway"].as_str()
        ),
        (Some("exempt"), Some("standard_contract_or_certification"))
    );
    assert_eq!(v["after"]["individuals"], 105_000);
    // check stored nothing.
    assert_eq!(window(&ledger.status("2026-11-23")).0, 85_000);
    // With the contract recorded the gate opens.
    let (code, _, err) = ledger.run(&[
        "flow",
        "set",
        "crm",
        "--mechanism",
        "standard_contract",
        "--since",
        "2026-11-01",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = ledger.run(&[
        "ledger",
        "check",
        &next,
        "--subject-column",
        "id",
        "--flow",
        "crm",
        "--date",
        "2026-11-23",
    ]);
    assert_eq!(code, 0);
    // A batch that changes nothing passes, whatever is recorded.
    let (code, _, _) = ledger.run(&[
        "ledger",
        "check",
        &big,
        "--subject-column",
        "id",
        "--flow",
        "other",
        "--date",
        "2026-11-23",
    ]);
    assert_eq!(code, 0);
}

/// A CIIO recorded through the CLI has even a small batch denied: any PI it exports needs a security
/// assessment (PIPL Art. 40), as `assess` says of the same facts.
#[test]
fn a_ciio_recorded_through_the_cli_is_denied_where_assess_says_security_assessment() {
    let ledger = Ledger::sqlite();
    ledger.record_processor("Grid Co.", true);
    let small = ledger.file("small.csv", csv(0..10).as_bytes());
    let (code, out, err) = ledger.run(&[
        "ledger",
        "check",
        &small,
        "--subject-column",
        "id",
        "--flow",
        "crm",
        "--date",
        "2026-11-23",
        "--json",
    ]);
    assert_eq!(code, 3, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["after"]["flow_pathway"], "security_assessment", "{v}");
    let profile = ledger.file(
        "ciio.toml",
        b"[processor]\nname = \"Grid Co.\"\nciio = true\nlocated_in_china = true\n\n[[flows]]\nid = \"crm\"\n\
          recipient = \"R\"\ncountry = \"SG\"\npurposes = [\"customer_service\"]\ncategories = [\"name\"]\n\
          individuals = 10\n",
    );
    let a = ledger.json(&["assess", &profile, "--as-of", "2026-11-23"]);
    assert_eq!(a["flows"][0]["pathway"], "security_assessment", "{a}");
}

#[test]
fn assess_takes_its_totals_from_the_ledger() {
    let ledger = Ledger::sqlite();
    let big = ledger.file("big.csv", csv(0..120_000).as_bytes());
    ledger.ingest(&big, "loyalty-crm", "2026-04-01", &[]);
    // The small company's profile says 8,200; the ledger knows 120,000 were exported.
    let v = ledger.json(&["assess", "examples/small-exempt.toml", "--ledger"]);
    assert_eq!(
        (
            v["totals"]["source"].as_str(),
            v["totals"]["individuals"].as_u64()
        ),
        (Some("ledger"), Some(120_000))
    );
    assert_eq!(v["pathway"], "standard_contract_or_certification");
}

/// Reading never creates a ledger, and an empty ledger is no source of exact figures.
#[test]
fn a_ledger_that_does_not_exist_or_holds_nothing_is_no_count() {
    let ledger = Ledger::sqlite();
    let path = ledger.dir.path().join("ledger.db");
    for args in [
        vec!["ledger", "status"],
        vec!["assess", "examples/small-exempt.toml", "--ledger"],
        vec!["flow", "list"],
        vec!["processor", "show"],
    ] {
        let (code, _, err) = ledger.run(&args);
        assert_ne!(code, 0, "{args:?} succeeded without a ledger");
        assert!(err.contains("no ledger at"), "{args:?}: {err}");
        assert!(!path.exists(), "{args:?} created a ledger");
    }
    // Recording the processor creates the ledger; it still holds no batches.
    ledger.record_processor("Acme", false);
    let (code, _, err) = ledger.run(&["assess", "examples/small-exempt.toml", "--ledger"]);
    assert_ne!(code, 0);
    assert!(err.contains("holds no batches"), "{err}");
}

/// The same commands against SQLite and PostgreSQL print the same JSON.
#[test]
fn sqlite_and_postgres_give_identical_answers() {
    let Some(pg) = chujing_testkit::PgDatabase::create("ledger CLI on PostgreSQL", "chujing_cli")
    else {
        return;
    };
    let story = |ledger: &Ledger| {
        let a = ledger.file("a.csv", csv(0..3000).as_bytes());
        let b = ledger.file("b.csv", csv(2000..7000).as_bytes());
        ledger.ingest(
            &a,
            "crm",
            "2024-01-10",
            &["--sensitive-column", "sensitive"],
        );
        ledger.ingest(&b, "hr", "2024-05-10", &[]);
        ledger.ingest(&b, "hr", "2024-05-10", &[]);
        ledger.run(&["flow", "set", "hr", "--exemption", "hr_management"]);
        ledger.record_processor("Acme", false);
        ["2024-03-21", "2024-06-01", "2025-01-01"].map(|d| ledger.status(d))
    };
    let sqlite = story(&Ledger::sqlite());
    let postgres = story(&Ledger::with_db(pg.url.clone()));
    assert_eq!(sqlite, postgres);
    assert_eq!(window(&sqlite[1]), (3000, 300));
}

#[test]
fn status_says_when_the_processor_facts_are_assumed() {
    // Before: with no `processor set`, the ledger decided as a non-CIIO in China without a word.
    let ledger = Ledger::sqlite();
    let file = ledger.file("a.csv", csv(0..10).as_bytes());
    ledger.ingest(&file, "crm", "2026-03-01", &[]);
    assert_eq!(ledger.status("2026-11-23")["processor_recorded"], false);
    let (code, out, err) = ledger.run(&["ledger", "status", "--as-of", "2026-11-23"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("no processor facts recorded: assumed not a CIIO"),
        "{out}"
    );
    // The first record states both facts the law always reads.
    let (code, _, err) = ledger.run(&["processor", "set", "--name", "Acme", "--ciio", "false"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`located_in_china`"), "{err}");
    ledger.record_processor("Acme", false);
    assert_eq!(ledger.status("2026-11-23")["processor_recorded"], true);
    let (_, out, _) = ledger.run(&["ledger", "status", "--as-of", "2026-11-23"]);
    assert!(!out.contains("no processor facts recorded"), "{out}");
}

#[test]
fn two_first_ingests_into_a_new_ledger_at_once_both_succeed() {
    // Before: about one run in eight failed: the key file was seen before it was written, or a migration ran
    // twice. Each round starts from nothing, with the key file to be created (no CHUJING_LEDGER_KEY).
    let bin = assert_cmd::cargo::cargo_bin("chujing");
    for round in 0..24 {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("ledger.db").display());
        let children: Vec<_> = [(0..50u32, "a"), (50..100u32, "b")]
            .into_iter()
            .map(|(range, name)| {
                let file = dir.path().join(format!("{name}.csv"));
                std::fs::write(&file, csv(range)).unwrap();
                std::process::Command::new(&bin)
                    .env_remove("CHUJING_LEDGER_KEY")
                    .env_remove("CHUJING_DATABASE_URL")
                    .args(["--db", &db, "ledger", "ingest"])
                    .arg(&file)
                    .args([
                        "--subject-column",
                        "id",
                        "--flow",
                        "crm",
                        "--date",
                        "2026-03-01",
                    ])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let key = std::fs::read_to_string(dir.path().join("ledger.db.key")).unwrap();
        let ledger = Ledger::with_db(db);
        let (code, out, err) = chujing_env(
            &[
                "--db",
                &ledger.db,
                "ledger",
                "status",
                "--as-of",
                "2026-11-23",
                "--json",
            ],
            &[("CHUJING_LEDGER_KEY", key.trim())],
        );
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(window(&v), (100, 0), "round {round}");
    }
}

#[test]
fn an_unreachable_postgres_fails_at_once_with_the_systems_reason_and_no_password() {
    // Before: 30 s of waiting, then "pool timed out" twice. Port 1 on this machine refuses connections.
    let started = std::time::Instant::now();
    let (code, _, err) = crate::util::chujing(&[
        "--db",
        "postgres://chujing:s3cret-pw@127.0.0.1:1/ledger",
        "ledger",
        "status",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Connection refused"), "{err}");
    assert!(
        !err.contains("s3cret-pw") && err.contains("chujing:***@"),
        "{err}"
    );
    assert_eq!(
        err.matches("Connection refused").count(),
        1,
        "a cause is repeated: {err}"
    );
    assert!(
        !err.contains("pool timed out"),
        "{err} (after {:?})",
        started.elapsed()
    );
}

#[test]
fn a_wrong_batch_is_removed_on_the_record_and_flow_set_accepts_mechanism_none() {
    let ledger = Ledger::sqlite();
    let a = ledger.file("a.csv", csv(0..30).as_bytes());
    let b = ledger.file("b.csv", csv(100..110).as_bytes());
    ledger.ingest(&a, "crm", "2026-03-01", &["--batch-id", "march"]);
    ledger.ingest(&b, "crm", "2026-03-02", &["--batch-id", "wrong"]);
    assert_eq!(window(&ledger.status("2026-11-23")).0, 40);
    let listed = ledger.json(&["ledger", "batches"]);
    assert_eq!(listed["batches"].as_array().unwrap().len(), 2);
    let (code, _, err) = ledger.run(&["ledger", "remove", "wrong"]);
    assert_eq!(code, 2, "a removal needs --reason: {err}");
    let (code, out, err) = ledger.run(&[
        "ledger",
        "remove",
        "wrong",
        "--reason",
        "file of another flow",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("removed batch `wrong`"), "{out}");
    assert_eq!(window(&ledger.status("2026-11-23")).0, 30);
    let listed = ledger.json(&["ledger", "batches"]);
    assert_eq!(listed["removals"][0]["reason"], "file of another flow");
    assert_eq!(listed["removals"][0]["batch"]["individuals"], 10);
    // Before: `--mechanism none` was refused without --since.
    let (code, _, err) = ledger.run(&[
        "flow",
        "set",
        "crm",
        "--mechanism",
        "standard_contract",
        "--since",
        "2026-03-05",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = ledger.run(&["flow", "set", "crm", "--mechanism", "none"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = ledger.run(&["flow", "set", "cmr", "--important-data", "false"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: the ledger has no flow `cmr`"),
        "{err}"
    );
    let (code, _, err) = ledger.run(&["flow", "set", "crm"]);
    assert_eq!(code, 2, "{err}");
    let (_, _, err) = ledger.try_ingest(&a, "crm", "2019-05-01", &[]);
    assert!(err.contains("before PIPL took effect"), "{err}");
}
