//! Several `chujing serve` processes behind one address — haproxy from Debian's packages, round robin — on
//! one PostgreSQL database, written to at once through the proxy: applications, regulator orders, transfer
//! batches, and then certificates granted at once. No order or certificate number is issued twice or skipped,
//! no write is lost, a batch id sent many times at once is recorded once, and the audit log stays one chain.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::{
    Server, Write, Writers, admin, api, audit_verifies, declare_the_flow, free_port,
    individuals_before, order_numbers, pairs, service_with_a_processor,
};

/// haproxy in front of `ports`, listening on a port of its own; killed when dropped.
fn haproxy(dir: &std::path::Path, ports: &[u16]) -> Server {
    let port = free_port();
    let servers: String = ports
        .iter()
        .enumerate()
        .map(|(i, p)| format!("    server s{i} 127.0.0.1:{p} check inter 500ms\n"))
        .collect();
    let config = format!(
        "global\n    maxconn 512\ndefaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    \
         timeout server 60s\nfrontend chujing\n    bind 127.0.0.1:{port}\n    default_backend servers\n\
         backend servers\n    balance roundrobin\n    option httpchk GET /healthz\n{servers}"
    );
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, config).unwrap();
    let path = path.display().to_string();
    Server::spawn_program("haproxy", &["-db", "-f", &path], port, &[])
}

#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "a server sees another's writes within a bound of real time"
)]
fn three_servers_behind_haproxy_on_one_postgres_database_lose_nothing_and_number_once() {
    let test = "three_servers_behind_haproxy_on_one_postgres_database_lose_nothing_and_number_once";
    if !chujing_testkit::tool(test, "haproxy", "haproxy") {
        return;
    }
    let Some(pg) = chujing_testkit::PgDatabase::create(test, "chujing_proxy") else {
        return;
    };
    let (owned, processor, org) = service_with_a_processor(&pg.url);
    let regulator = admin(
        &owned,
        &["admin", "token", "create", "--user", "admin@cac.example.cn"],
    );
    let body = admin(
        &owned,
        &[
            "admin",
            "org",
            "add",
            "--kind",
            "certification_body",
            "--name",
            "CB",
        ],
    );
    admin(
        &owned,
        &[
            "admin",
            "user",
            "add",
            "--org",
            &body,
            "--email",
            "review@cb.cn",
        ],
    );
    let reviewer = admin(
        &owned,
        &["admin", "token", "create", "--user", "review@cb.cn"],
    );
    let env = pairs(&owned);
    let servers = [
        Server::serve(&env),
        Server::serve(&env),
        Server::serve(&env),
    ];
    let dir = tempfile::tempdir().unwrap();
    let proxy = haproxy(
        dir.path(),
        &servers.iter().map(|s| s.port).collect::<Vec<_>>(),
    );
    let port = proxy.port;
    declare_the_flow(port, &processor);

    const WRITERS: usize = 48;
    let writers = Writers {
        regulator,
        processor: processor.clone(),
        org,
        body,
    };
    let threads: Vec<_> = (0..WRITERS)
        .map(|i| {
            let writers = writers.clone();
            let write = [
                Write::Order,
                Write::Batch(i),
                Write::SameBatch,
                Write::Application,
            ][i % 4];
            std::thread::spawn(move || writers.send(port, write))
        })
        .collect();
    let answers: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let of = |k: usize| answers.iter().skip(k).step_by(4).collect::<Vec<_>>();
    let per_kind = WRITERS / 4;

    assert_eq!(
        order_numbers(of(0).into_iter()),
        (1..=per_kind as u64).collect::<Vec<_>>(),
        "each number once, none skipped"
    );

    for (s, b) in of(1) {
        assert_eq!(*s, 201, "{b}");
    }
    let same: Vec<u16> = of(2).iter().map(|(s, _)| *s).collect();
    assert_eq!(
        same.iter().filter(|s| **s == 201).count(),
        1,
        "recorded once: {same:?}"
    );
    assert!(same.iter().all(|s| [200, 201, 409].contains(s)), "{same:?}");

    let created: BTreeSet<String> = of(3)
        .iter()
        .map(|(s, b)| {
            assert_eq!(*s, 201, "{b}");
            serde_json::from_str::<Value>(b).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(created.len(), per_kind, "every application its own id");
    let (s, listed) = api(
        port,
        "GET",
        "/api/v1/applications?limit=500",
        &processor,
        "",
    );
    assert_eq!(s, 200, "{listed}");
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["next"], Value::Null, "one page holds them all");
    let items = listed["items"].as_array().unwrap();
    let listed: BTreeSet<String> = items
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, created, "every application created is listed, once");

    // Every application to its audit through the proxy, then all granted at once: each certificate number
    // once, none skipped, each certificate in the registry once.
    for id in &created {
        crate::util::to_audit(port, &processor, &reviewer, id);
    }
    let grants: Vec<_> = created
        .iter()
        .map(|id| {
            let (reviewer, path) = (
                reviewer.clone(),
                format!("/api/v1/applications/{id}/actions/grant"),
            );
            std::thread::spawn(move || api(port, "POST", &path, &reviewer, "{}"))
        })
        .collect();
    let mut numbers: Vec<String> = grants
        .into_iter()
        .map(|t| {
            let (s, b) = t.join().unwrap();
            assert_eq!(s, 200, "{b}");
            let granted: Value = serde_json::from_str(&b).unwrap();
            granted["certificate"].as_str().unwrap().to_string()
        })
        .collect();
    numbers.sort();
    let year = crate::util::today_in_china().year();
    let expected: Vec<String> = (1..=per_kind as u64)
        .map(|seq| chujing_cert::CertificateNumber::new(year, seq).to_string())
        .collect();
    assert_eq!(
        numbers, expected,
        "each certificate number once, none skipped"
    );
    let (s, registry) = api(port, "GET", "/api/v1/certificates?limit=500", &reviewer, "");
    assert_eq!(s, 200, "{registry}");
    let registry: Value = serde_json::from_str(&registry).unwrap();
    assert_eq!(registry["next"], Value::Null, "one page holds them all");
    let entries = registry["items"].as_array().unwrap();
    let mut listed: Vec<String> = entries
        .iter()
        .map(|c| c["certificate"]["number"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, expected, "every certificate listed once");

    // Every batch counted once, whichever server answers, once the staleness bound has passed.
    std::thread::sleep(std::time::Duration::from_millis(20));
    for _ in 0..3 {
        assert_eq!(
            individuals_before(port, &processor),
            Some(per_kind as u64 * 1000 + 7)
        );
    }
    drop(proxy);
    drop(servers);
    audit_verifies(&owned);
}

/// `serve --trusted-proxy`: behind a trusted proxy the login limiter counts each client its `X-Forwarded-For`
/// names, so that one client's failures do not lock out everyone behind the proxy; from an untrusted peer the
/// header is ignored, so that a client cannot choose the address it is counted under.
#[test]
fn the_login_limiter_counts_the_client_a_trusted_proxy_names_and_ignores_the_header_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let (owned, _, _) = service_with_a_processor(&db);
    let env = pairs(&owned);
    let login = |port: u16, client: &str| {
        let body = r#"{"email": "ops@acme.cn", "password": "not the password"}"#;
        let header = format!("x-forwarded-for: {client}");
        crate::util::http(port, "POST", "/api/v1/session", &header, body).0
    };
    let failures = chujing_server::limiter::PER_ACCOUNT;
    for (trusted, other_client_refused) in [(true, false), (false, true)] {
        let args: &[&str] = if trusted {
            &["serve", "--trusted-proxy", "127.0.0.1"]
        } else {
            &["serve"]
        };
        let server = Server::start(args, &env);
        for _ in 0..failures {
            assert_eq!(login(server.port, "198.51.100.1"), 401);
        }
        assert_eq!(
            login(server.port, "198.51.100.1"),
            429,
            "trusted: {trusted}"
        );
        let other = login(server.port, "198.51.100.2");
        assert_eq!(
            other == 429,
            other_client_refused,
            "trusted: {trusted}, answered {other}"
        );
    }
}
