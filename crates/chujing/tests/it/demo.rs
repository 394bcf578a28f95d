//! `chujing demo`: the README's front door — set up, reused, reset, served with a sign-in per role.

use serde_json::Value;

use crate::util::{self, Server, chujing};

fn demo_json(dir: &str, extra: &[&str]) -> Value {
    let mut args = vec!["demo", "--seed-only", "--json", "--dir", dir];
    args.extend_from_slice(extra);
    let (code, out, err) = chujing(&args);
    assert_eq!(code, 0, "chujing demo {extra:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn password_of(v: &Value, role: &str) -> (String, String) {
    let s = v["sign_ins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["role"] == role)
        .unwrap_or_else(|| panic!("no sign-in for the {role}: {v}"));
    (
        s["email"].as_str().unwrap().to_string(),
        s["password"].as_str().unwrap().to_string(),
    )
}

/// One request with the session `cookie` (none when empty); returns the status, the head and the body.
fn http(port: u16, method: &str, path: &str, cookie: &str, body: &str) -> (u16, String, String) {
    let header = if cookie.is_empty() {
        String::new()
    } else {
        format!("cookie: {cookie}")
    };
    util::http(port, method, path, &header, body)
}

/// Ctrl-C: SIGINT to the server, which must stop cleanly within ten seconds.
#[expect(
    clippy::disallowed_methods,
    reason = "waits for a real process to stop"
)]
fn interrupt(mut server: Server) -> std::process::ExitStatus {
    let pid = server.child().id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -INT {pid}");
    for _ in 0..200 {
        if let Some(status) = server.child().try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("chujing demo did not stop within ten seconds of Ctrl-C");
}

/// Signs in; returns the session cookie.
fn sign_in(port: u16, (email, password): &(String, String)) -> String {
    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    let (status, head, answer) = http(port, "POST", "/api/v1/session", "", &body);
    assert_eq!(status, 200, "{email} signs in: {answer}");
    head.lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie: {head}"))
        .to_string()
}

#[test]
fn the_demo_is_set_up_reused_reset_and_served_with_a_sign_in_per_role() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let dir = dir.to_str().unwrap();
    let first = demo_json(dir, &[]);
    for role in ["processor", "certification body", "regulator"] {
        assert!(!password_of(&first, role).1.is_empty(), "{first}");
    }
    // A second run reuses the records and their sign-ins; --reset makes new ones.
    assert_eq!(demo_json(dir, &[]), first);
    let reset = demo_json(dir, &["--reset"]);
    assert_ne!(
        password_of(&reset, "processor"),
        password_of(&first, "processor")
    );

    let (code, out, err) = chujing(&[
        "audit",
        "verify",
        "--db",
        &format!("sqlite://{dir}/demo.db"),
    ]);
    assert_eq!(code, 0, "the demo's audit log verifies: {out}{err}");

    let server = Server::start(&["demo", "--dir", dir], &[]);
    let port = server.port;
    // The public registry: the granted certificate and the suspended one, and the two public reports' subjects.
    let (status, _, registry) = http(port, "GET", "/api/v1/registry", "", "");
    assert_eq!(status, 200, "{registry}");
    assert!(
        registry.contains("valid") && registry.contains("suspended"),
        "{registry}"
    );
    let processor = sign_in(port, &password_of(&reset, "processor"));
    let (status, _, overview) = http(port, "GET", "/api/v1/overview", &processor, "");
    assert_eq!(status, 200, "{overview}");
    let overview: Value = serde_json::from_str(&overview).unwrap();
    let text = overview.to_string();
    // A month of batches past the contract band's 100,000 (30 days of 4,000 members, 3,500 new each day).
    assert!(
        text.contains("105500"),
        "the ledger holds the month's distinct members: {text}"
    );
    for flow in ["crm", "hr", "analytics"] {
        assert!(text.contains(flow), "{flow}: {text}");
    }
    let (status, _, filings) = http(port, "GET", "/api/v1/filings", &processor, "");
    assert_eq!(status, 200);
    assert!(filings.contains("returned"), "{filings}");
    let (_, _, scans) = http(port, "GET", "/api/v1/scans", &processor, "");
    assert!(scans.contains("customers.csv"), "{scans}");
    let body = sign_in(port, &password_of(&reset, "certification body"));
    let (_, _, applications) = http(port, "GET", "/api/v1/applications", &body, "");
    assert!(
        applications.contains("verification"),
        "an application part way through review: {applications}"
    );
    let regulator = sign_in(port, &password_of(&reset, "regulator"));
    let (_, _, reports) = http(port, "GET", "/api/v1/reports", &regulator, "");
    assert_eq!(
        serde_json::from_str::<Value>(&reports).unwrap()["items"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{reports}"
    );
    for page in ["/dashboard", "/body", "/regulator"] {
        let cookie = match page {
            "/dashboard" => &processor,
            "/body" => &body,
            _ => &regulator,
        };
        let (status, _, html) = http(port, "GET", page, cookie, "");
        assert_eq!(status, 200, "{page}: {html}");
    }
    let status = interrupt(server);
    assert!(status.success(), "Ctrl-C stops the demo cleanly: {status}");
}
