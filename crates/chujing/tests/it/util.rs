//! Running the real binary.

use std::path::PathBuf;

use assert_cmd::Command;

/// The workspace root (examples/ lives there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `chujing` with `args`, run from the workspace root; returns (exit code, stdout, stderr).
pub fn chujing(args: &[&str]) -> (i32, String, String) {
    chujing_env(args, &[])
}

/// A profile whose open reading changes its pathway: 30,000 exported under the HR exemption beside 80,000
/// others is exempt as the packs read it, and needs a contract or certification if the exempted are counted.
pub const HR_EXEMPT_BESIDE_80K: &str = "[processor]\nname = \"P\"\nciio = false\nlocated_in_china = true\n\
    [[flows]]\nid = \"hr\"\ncountry = \"DE\"\ncategories = [\"employment\"]\nindividuals = 30000\n\
    exemption = \"hr_management\"\n\
    [[flows]]\nid = \"crm\"\ncountry = \"SG\"\ncategories = [\"contact\"]\nindividuals = 80000\n";

/// A processor in China sending 150,000 individuals' contact details to Singapore: the standard contract or
/// certification (Provisions 2024 Art. 8), so that its application for certification may be granted.
pub const CRM_150K: &str = "[processor]\nname = \"Acme (Shanghai) Co., Ltd.\"\nciio = false\n\
    located_in_china = true\n[[flows]]\nid = \"crm\"\nrecipient = \"Acme Marketing Cloud Inc.\"\n\
    country = \"SG\"\npurposes = [\"loyalty_programme\"]\ncategories = [\"identity\", \"contact\"]\n\
    individuals = 150000\n";

/// A fixed ledger key, so that runs against different databases hash alike.
pub const TEST_KEY: &str = "000102030405060708090a0b0c0d0e0f";

/// `chujing` with `args` and extra environment variables.
pub fn chujing_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::cargo_bin("chujing")
        .unwrap()
        .current_dir(root())
        .env_remove("CHUJING_RULES")
        .env_remove("CHUJING_DATABASE_URL")
        .env_remove("CHUJING_LEDGER_KEY")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes `text` to a file in a fresh temporary directory and returns both.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Writes a DOCX whose paragraphs are `paragraphs`, each split into two runs with XML escapes, as Word splits
/// text: word/document.xml alone, which is all the agreement reader needs.
pub fn write_docx<'a>(path: &std::path::Path, paragraphs: impl Iterator<Item = &'a str>) {
    let body: String = paragraphs.map(|p| docx_paragraph(p, None)).collect();
    write_docx_xml(path, &body, None);
}

/// One paragraph of word/document.xml, its text split into two runs, in list `num` (numId) when given.
pub fn docx_paragraph(text: &str, num: Option<u32>) -> String {
    let escaped = text.trim().replace('&', "&amp;").replace('<', "&lt;");
    let mid = escaped
        .char_indices()
        .nth(escaped.chars().count() / 2)
        .map_or(0, |(i, _)| i);
    let (a, b) = escaped.split_at(mid);
    let props = num.map_or(String::new(), |id| {
        format!("<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr>")
    });
    format!(
        "<w:p>{props}<w:r><w:t>{a}</w:t></w:r><w:r><w:t xml:space=\"preserve\">{b}</w:t></w:r></w:p>"
    )
}

/// Writes a DOCX of `body` (paragraphs of word/document.xml) and, when given, word/numbering.xml.
pub fn write_docx_xml(path: &std::path::Path, body: &str, numbering: Option<&str>) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    write!(
        zip,
        "<?xml version=\"1.0\"?><w:document><w:body>{body}</w:body></w:document>"
    )
    .unwrap();
    if let Some(numbering) = numbering {
        zip.start_file("word/numbering.xml", options).unwrap();
        zip.write_all(numbering.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// `chujing --db DB ledger ingest CSV --subject-column id_number --flow FLOW --date DATE [--batch-id ID]` with
/// the test key; asserts that it succeeded.
pub fn ingest_ids(db: &str, csv: &std::path::Path, flow: &str, date: &str, batch: Option<&str>) {
    let (code, err) = try_ingest_ids(db, csv, flow, date, batch);
    assert_eq!(code, 0, "{err}");
}

/// `ingest_ids` that returns the exit code and standard error instead of asserting success.
pub fn try_ingest_ids(
    db: &str,
    csv: &std::path::Path,
    flow: &str,
    date: &str,
    batch: Option<&str>,
) -> (i32, String) {
    let mut args = vec![
        "--db",
        db,
        "ledger",
        "ingest",
        csv.to_str().unwrap(),
        "--subject-column",
        "id_number",
        "--flow",
        flow,
        "--date",
        date,
    ];
    if let Some(batch) = batch {
        args.extend(["--batch-id", batch]);
    }
    let (code, _, err) = chujing_env(&args, &[("CHUJING_LEDGER_KEY", TEST_KEY)]);
    (code, err)
}

/// Whether this chujing reads Parquet (the `parquet` feature, which scripts/test builds); records the skip
/// when it does not.
pub fn parquet_built(test: &str) -> bool {
    feature_built(test, cfg!(feature = "parquet"), "parquet")
}

/// Whether this chujing has the DataFusion engine (the `engine` feature, which scripts/test builds); records
/// the skip when it does not.
pub fn engine_built(test: &str) -> bool {
    feature_built(test, cfg!(feature = "engine"), "engine")
}

/// A `chujing scan --json` report's first file without its masked samples (which may be other rows' on the
/// engine), columns by name, with the summary's sensitive categories: what the native scan and the engine's
/// must agree on.
pub fn comparable_scan(out: &str) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_str(out).unwrap();
    let file = &report["files"][0];
    let mut columns: Vec<serde_json::Value> = file["columns"].as_array().unwrap().clone();
    for c in &mut columns {
        for f in c["findings"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("samples");
        }
    }
    columns.sort_by_key(|c| c["name"].as_str().unwrap().to_string());
    serde_json::json!({
        "rows": file["rows"],
        "columns": columns,
        "individuals": file["individuals"],
        "sensitive": report["summary"]["sensitive_categories"],
    })
}

/// Whether this chujing has the Ballista cluster (the `ballista` feature, which scripts/test builds);
/// records the skip when it does not.
pub fn ballista_built(test: &str) -> bool {
    feature_built(test, cfg!(feature = "ballista"), "ballista")
}

fn feature_built(test: &str, built: bool, feature: &str) -> bool {
    if !built {
        chujing_testkit::skip(
            test,
            &format!("needs the `{feature}` feature (scripts/test builds --all-features)"),
        );
    }
    built
}

/// One HTTP/1.1 request over a fresh connection, with one extra header line (`authorization: Bearer …`,
/// `cookie: …`, or empty); returns the status, the head and the body. A connection refused or cut (a server
/// killed mid-request) is status 0, so that the fault tests can tell "no answer" from an answer.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    header: &str,
    body: &str,
) -> (u16, String, String) {
    use std::io::{Read, Write};
    let exchange = || -> std::io::Result<String> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
        let header = if header.is_empty() {
            String::new()
        } else {
            format!("{header}\r\n")
        };
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n{header}content-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out)
    };
    let out = exchange().unwrap_or_default();
    let status = out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (status, head.to_string(), body.to_string())
}

/// `http` with a bearer token; returns the status and the body.
pub fn api(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let (status, _, body) = http(
        port,
        method,
        path,
        &format!("authorization: Bearer {token}"),
        body,
    );
    (status, body)
}

/// A `chujing` server process (`serve` or `demo`) on a free loopback port, killed when dropped.
pub struct Server {
    child: std::process::Child,
    /// The port it listens on.
    pub port: u16,
}

impl Server {
    /// `chujing serve` with `env`.
    pub fn serve(env: &[(&str, &str)]) -> Server {
        Server::start(&["serve"], env)
    }

    /// `chujing ARGS --listen 127.0.0.1:PORT` with `env`; waits until it listens.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let args: Vec<&str> = args.iter().copied().chain(["--listen", &listen]).collect();
        Server::spawn(&args, port, env)
    }

    /// `chujing ARGS` with `env`, which listens on `port` (named in ARGS); waits until it listens.
    pub fn spawn(args: &[&str], port: u16, env: &[(&str, &str)]) -> Server {
        Server::spawn_program(env!("CARGO_BIN_EXE_chujing"), args, port, env)
    }

    /// `program ARGS` with `env`, which listens on `port`; waits until it listens.
    #[expect(
        clippy::disallowed_methods,
        reason = "waits for a real process to listen"
    )]
    pub fn spawn_program(program: &str, args: &[&str], port: u16, env: &[(&str, &str)]) -> Server {
        let child = std::process::Command::new(program)
            .args(args)
            .current_dir(root())
            .envs(env.iter().copied())
            .env("CHUJING_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed by Drop, also when it never starts.
        let mut server = Server { child, port };
        for _ in 0..400 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("{program} {args:?} exited before listening: {status}");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("{program} {args:?} did not start on port {port}");
    }

    /// SIGKILL, as the kernel's OOM killer or a pulled plug would stop it: no shutdown runs.
    pub fn kill9(mut self) {
        // `Child::kill` is SIGKILL on Unix.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// The process, for signals other than SIGKILL.
    pub fn child(&mut self) -> &mut std::process::Child {
        &mut self.child
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free on loopback now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One of the writes the multi-server tests send at once.
#[derive(Debug, Clone, Copy)]
pub enum Write {
    /// A regulator's order to the processor (numbered from a counter, as certificates are).
    Order,
    /// A batch `b{n}` of 1,000 individuals.
    Batch(usize),
    /// The batch `same` of 7, sent by many at once.
    SameBatch,
    /// An application of the processor to the certification body (of [`CRM_150K`], which may be granted).
    Application,
}

/// Who sends the writes: the regulator's and the processor's tokens, the processor's organisation, and the
/// certification body's.
#[derive(Debug, Clone)]
pub struct Writers {
    pub regulator: String,
    pub processor: String,
    pub org: String,
    pub body: String,
}

impl Writers {
    /// Sends `write` to `port`; the status and body.
    pub fn send(&self, port: u16, write: Write) -> (u16, String) {
        let processor = |path: &str, body: &str| api(port, "POST", path, &self.processor, body);
        match write {
            Write::Order => {
                let order = format!(
                    r#"{{"processor": "{}", "kind": "interview", "text": "explain"}}"#,
                    self.org
                );
                api(port, "POST", "/api/v1/orders", &self.regulator, &order)
            }
            Write::Batch(n) => processor(
                "/api/v1/transfers",
                &format!(r#"{{"batch_id": "b{n}", "flow": "hr", "individuals": 1000}}"#),
            ),
            Write::SameBatch => processor(
                "/api/v1/transfers",
                r#"{"batch_id": "same", "flow": "hr", "individuals": 7}"#,
            ),
            Write::Application => processor(
                "/api/v1/applications",
                &serde_json::json!({ "body": self.body, "profile": CRM_150K }).to_string(),
            ),
        }
    }
}

/// The order numbers of answers to [`Write::Order`], sorted; each must be a 201.
pub fn order_numbers<'a>(answers: impl Iterator<Item = &'a (u16, String)>) -> Vec<u64> {
    let mut numbers: Vec<u64> = answers
        .map(|(s, b)| {
            assert_eq!(*s, 201, "{b}");
            let v: serde_json::Value = serde_json::from_str(b).unwrap();
            let reference = v["reference"].as_str().unwrap().to_string();
            reference.split('-').nth(2).unwrap().parse().unwrap()
        })
        .collect();
    numbers.sort_unstable();
    numbers
}

/// A fixed master key, so that the command line and the servers read the same sealed secrets.
pub const MASTER_KEY: &str = "4242424242424242424242424242424242424242424242424242424242424242";

/// A service on `db` with one processor (its token and organisation id returned) whose flow `hr` goes to
/// Germany, set up through the command line as an operator would: the environment (database, master key,
/// ledger key), the processor's token and its organisation id. The regulator is `admin@cac.example.cn`.
pub fn service_with_a_processor(db: &str) -> (Vec<(&'static str, String)>, String, String) {
    let env = vec![
        ("CHUJING_DATABASE_URL", db.to_string()),
        ("CHUJING_MASTER_KEY", MASTER_KEY.to_string()),
        ("CHUJING_LEDGER_KEY", TEST_KEY.to_string()),
    ];
    let run = |args: &[&str]| admin(&env, args);
    run(&["admin", "init", "--email", "admin@cac.example.cn"]);
    let org = run(&[
        "admin",
        "org",
        "add",
        "--kind",
        "processor",
        "--name",
        "Acme",
        "--province",
        "310000",
    ]);
    run(&[
        "admin",
        "user",
        "add",
        "--org",
        &org,
        "--email",
        "ops@acme.cn",
    ]);
    let token = run(&["admin", "token", "create", "--user", "ops@acme.cn"]);
    (env, token, org)
}

/// `chujing ARGS` in `env`, which must succeed; its standard output, trimmed.
pub fn admin(env: &[(&'static str, String)], args: &[&str]) -> String {
    let (code, out, err) = chujing_env(args, &pairs(env));
    assert_eq!(code, 0, "{args:?}: {err}");
    out.trim().to_string()
}

/// `env` as the pairs `chujing_env` takes.
pub fn pairs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The processor's facts and its flow `hr` to Germany, through the API.
pub fn declare_the_flow(port: u16, token: &str) {
    let facts = r#"{"ciio": false, "located_in_china": true}"#;
    assert_eq!(api(port, "PUT", "/api/v1/processor", token, facts).0, 200);
    let flow = r#"{"recipient": "Acme GmbH", "country": "DE"}"#;
    assert_eq!(api(port, "PUT", "/api/v1/flows/hr", token, flow).0, 200);
}

/// The individuals the gate counts before a new batch on `hr` today; `None` when it does not answer 200.
pub fn individuals_before(port: u16, token: &str) -> Option<u64> {
    let (status, body) = api(
        port,
        "POST",
        "/api/v1/transfers/check",
        token,
        r#"{"flow": "hr", "individuals": 0}"#,
    );
    if status != 200 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["window"]["individuals_before"].as_u64()
}

/// `audit verify --json` in `env` passes.
pub fn audit_verifies(env: &[(&'static str, String)]) {
    let (code, out, err) = chujing_env(&["audit", "verify", "--json"], &pairs(env));
    assert_eq!(code, 0, "audit verify: {out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true, "{v}");
}

/// Today in China (UTC+8), the date the service decides by.
#[expect(
    clippy::disallowed_methods,
    reason = "the servers under test read the real clock; the test reads the same day"
)]
pub fn today_in_china() -> chujing_law::Date {
    let offset = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    let today = jiff::Timestamp::now().to_zoned(offset).date();
    chujing_law::Date::parse(&today.to_string()).unwrap()
}

/// Walks the application `id` through the API from its draft to the audit, leaving only the grant: the
/// processor uploads every material and submits; the body (`body`, a token) accepts it, starts the
/// verification, passes every item of the review checklist and starts the audit.
pub fn to_audit(port: u16, processor: &str, body: &str, id: &str) {
    use chujing_cert::MaterialKind;
    let path = |rest: &str| format!("/api/v1/applications/{id}{rest}");
    let ok =
        |(status, answer): (u16, String), what: &str| assert_eq!(status, 200, "{what}: {answer}");
    let agreement = std::fs::read_to_string(root().join("examples/data/agreement.md")).unwrap();
    for kind in MaterialKind::ALL {
        let text = if kind == MaterialKind::Agreement {
            agreement.clone()
        } else {
            kind.id().to_string()
        };
        let at = path(&format!("/materials/{}", kind.id()));
        ok(api(port, "PUT", &at, processor, &text), kind.id());
    }
    ok(
        api(port, "POST", &path("/actions/submit"), processor, "{}"),
        "submit",
    );
    for step in ["accept", "start_verification"] {
        ok(
            api(port, "POST", &path(&format!("/actions/{step}")), body, "{}"),
            step,
        );
    }
    let book = chujing_law::RuleBook::embedded().unwrap();
    let items = chujing_law::certification::review_checklist(
        &book,
        today_in_china(),
        chujing_law::Lang::En,
    )
    .unwrap();
    for item in items {
        let review = r#"{"passed": true, "evidence": "seen"}"#;
        ok(
            api(
                port,
                "PUT",
                &path(&format!("/review/{}", item.id)),
                body,
                review,
            ),
            item.id,
        );
    }
    ok(
        api(port, "POST", &path("/actions/start_audit"), body, "{}"),
        "start_audit",
    );
}

/// Runs `sql` on the SQLite database at `path` and returns the first column of every row as text.
pub fn sqlite_rows(path: &std::path::Path, sql: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Row;
        // Read-write, not `mode=ro`: after a SIGKILL the write-ahead log may need recovery, which a read-only
        // connection cannot run (SQLITE_READONLY_RECOVERY, code 776) — any process opening the file runs it.
        let url = format!("sqlite://{}?mode=rw", path.display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_all(&pool)
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                r.try_get::<String, _>(0)
                    .or_else(|_| r.try_get::<i64, _>(0).map(|n| n.to_string()))
                    .unwrap()
            })
            .collect()
    })
}
