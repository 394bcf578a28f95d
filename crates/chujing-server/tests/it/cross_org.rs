//! Access checked where the records are: every use case that reads or changes a certification record is
//! called directly (not through a route, so no route policy helps) as another organisation's actor — a
//! processor and a certification body other than those the records concern. Each must answer not found (the
//! record is not disclosed) or forbidden, list none of the records, and write nothing: the audit log has the
//! same entries after the calls as before.

use chujing_app::AppError;
use chujing_app::certify::applications::{self, ReviewInput, StepInput};
use chujing_app::certify::filings::{self, FilingAction, FilingStep};
use chujing_app::certify::fresh::Views;
use chujing_app::certify::orders::{self, NewOrder, OrderKind};
use chujing_app::certify::supervision::{self, AuditInput};
use chujing_app::certify::transfers::{self, TransferCheck};
use chujing_app::certify::{
    Actor, OrgKind, Scope, accounts, cases, certificates, flows, processor, public,
};
use chujing_cert::{Action, CertificateAction, MaterialKind};
use chujing_law::RuleBook;

use crate::kit::{Kit, now};
use crate::matrix::{Fixture, fixture};

async fn actor(kit: &Kit, org: &str) -> Actor {
    Actor {
        user: format!("{org}@example.cn"),
        org: accounts::org(&kit.store, org).await.unwrap(),
        scope: Scope::Write,
        password_change_required: false,
    }
}

/// The audit log's length: a refused call adds nothing to it.
async fn audit_len(kit: &Kit) -> i64 {
    chujing_app::certify::verify_audit(&kit.store)
        .await
        .unwrap()
        .unwrap()
}

/// Refused as not found or forbidden, never done and never another kind of error.
fn refused<T: std::fmt::Debug>(what: &str, r: Result<T, AppError>) {
    match r {
        Err(AppError::NotFound(_) | AppError::Forbidden(_)) => {}
        other => panic!("{what} as another organisation: {other:?}"),
    }
}

/// Every record-level use case, as `other`, on the records of `f`.
async fn as_other(kit: &Kit, other: &Actor, f: &Fixture, holder: &Actor) {
    let (s, n, book) = (&kit.store, now(), RuleBook::embedded().unwrap());
    let app = &f.application;
    refused("applications::get", applications::get(s, other, app).await);
    let key = chujing_app::certify::secret::MasterKey::from_hex(&"42".repeat(32)).unwrap();
    refused(
        "applications::put_material",
        applications::put_material(
            s,
            other,
            app,
            MaterialKind::Agreement,
            b"x",
            (&key, &book),
            &n,
        )
        .await,
    );
    refused(
        "applications::read_material",
        applications::read_material(s, other, app, MaterialKind::Agreement, &key, &n).await,
    );
    let review = ReviewInput {
        passed: true,
        evidence: "seen".into(),
    };
    refused(
        "applications::review",
        applications::review(s, other, app, "legality-necessity", review, &book, &n).await,
    );
    for action in [Action::Withdraw, Action::Grant] {
        let step = StepInput {
            reason: Some("r".into()),
            scope: None,
        };
        refused(
            "applications::act",
            applications::act(s, other, app, action, step, &book, &n).await,
        );
    }
    let number = &f.certificate;
    refused(
        "certificates::get",
        certificates::get(s, other, number, n.today).await,
    );
    refused(
        "certificates::issued",
        certificates::issued(s, other, number, n.today).await,
    );
    refused(
        "certificates::act",
        certificates::act(
            s,
            other,
            number,
            CertificateAction::Suspend,
            Some("r"),
            &book,
            &n,
        )
        .await,
    );
    refused(
        "certificates::mark_reported",
        certificates::mark_reported(s, other, &f.platform_report, &n).await,
    );
    let cert = certificates::get(s, holder, number, n.today).await.unwrap();
    refused(
        "supervision::set_frequency",
        supervision::set_frequency(s, other, &cert, 6, &n).await,
    );
    let audit = AuditInput {
        date: n.today,
        findings: Vec::new(),
        conclusion: "fine".into(),
    };
    refused(
        "supervision::record_audit",
        supervision::record_audit(s, other, &cert, audit, &n).await,
    );
    refused("filings::get", filings::get(s, other, &f.filing).await);
    for action in [FilingAction::Submit, FilingAction::Accept] {
        let step = FilingStep::default();
        refused(
            "filings::act",
            filings::act(s, &key, other, &f.filing, action, step, &n).await,
        );
    }
    // Who asks is checked before what is asked: an empty reason does not reveal that the case exists.
    for reason in ["closed by another", ""] {
        refused(
            "cases::close",
            cases::close(s, other, &f.case, reason, &n).await,
        );
    }
    let order = NewOrder {
        processor: holder.org.id.clone(),
        kind: OrderKind::SuspendTransfers,
        text: "stop".into(),
        deadline: None,
        lifts: None,
    };
    refused("orders::issue", orders::issue(s, other, order, &n).await);
    let q = TransferCheck {
        flow: "us".into(),
        date: None,
        individuals: 1,
        sensitive_individuals: 0,
    };
    refused(
        "transfers::check",
        transfers::check(&book, s, &Views::default(), other, &q, &n).await,
    );
    refused("transfers::batch", transfers::batch(s, other, "b1").await);
    refused(
        "transfers::remove_batch",
        transfers::remove_batch(s, other, "b1", "not mine", &n).await,
    );
    if other.org.kind == OrgKind::Processor {
        // Its own facts, never the holder's: it has recorded none.
        refused("processor::get", processor::get(s, other).await);
    }
}

/// The lists the other organisation sees hold none of the fixture's records.
async fn lists_hide(kit: &Kit, other: &Actor, f: &Fixture, holder: &Actor) {
    let (s, today) = (&kit.store, now().today);
    let apps = applications::list(s, other).await.unwrap();
    assert!(apps.iter().all(|a| a.id != f.application), "{apps:?}");
    let certs = certificates::list(s, other, today).await.unwrap();
    assert!(
        certs
            .iter()
            .all(|c| c.certificate.number.to_string() != f.certificate)
    );
    let filings = filings::list(s, other).await.unwrap();
    assert!(filings.iter().all(|x| x.id != f.filing));
    let cases = cases::list(s, other).await.unwrap();
    assert!(cases.iter().all(|c| c.id != f.case));
    let plans = supervision::list(s, other, today).await.unwrap();
    assert!(plans.iter().all(|p| p.certificate != f.certificate));
    let orders = orders::list(s, other).await.unwrap();
    assert!(orders.iter().all(|o| o.processor != holder.org.id));
    let flows = flows::visible(s, other).await.unwrap();
    assert!(flows.iter().all(|x| x.processor != holder.org.id));
    let reports = public::list(s, other).await.unwrap();
    assert!(reports.iter().all(|r| r.receipt != f.receipt));
    let platform = certificates::platform_reports(s, other).await.unwrap();
    assert!(platform.iter().all(|(_, r)| r.id != f.platform_report));
}

#[tokio::test]
async fn every_use_case_refuses_another_organisations_actor() {
    let dir = tempfile::tempdir().unwrap();
    let kit = Kit::new(&format!("sqlite://{}", dir.path().join("x.db").display())).await;
    kit.national().await;
    let (pa, pa_token) = kit
        .member(OrgKind::Processor, "Processor A", Some("31"))
        .await;
    let (ba, ba_token) = kit.member(OrgKind::CertificationBody, "Body A", None).await;
    let (pb, _) = kit
        .member(OrgKind::Processor, "Processor B", Some("31"))
        .await;
    let (bb, _) = kit.member(OrgKind::CertificationBody, "Body B", None).await;
    let f = fixture(&kit, &pa_token, &ba, &ba_token).await;
    let holder = actor(&kit, &pa).await;
    let before = audit_len(&kit).await;
    for other in [actor(&kit, &pb).await, actor(&kit, &bb).await] {
        as_other(&kit, &other, &f, &holder).await;
        lists_hide(&kit, &other, &f, &holder).await;
    }
    assert_eq!(
        audit_len(&kit).await,
        before,
        "a refused call wrote to the audit log"
    );
    // The holder and its body still see their records: the refusals are about who asks.
    let s = &kit.store;
    applications::get(s, &holder, &f.application).await.unwrap();
    let body = actor(&kit, &ba).await;
    certificates::issued(s, &body, &f.certificate, now().today)
        .await
        .unwrap();
}
