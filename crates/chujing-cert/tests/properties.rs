//! Property tests: no sequence of actions reaches an illegal state, and certificate numbers are distinct.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use chujing_cert::certificate::Certificate;
use chujing_cert::{
    Action, ApplicationState, CertificateAction, CertificateNumber, CertificateStatus, Scope,
};
use chujing_law::certification::terms;
use chujing_law::{Date, Lang, RuleBook};
use proptest::prelude::*;
use std::sync::LazyLock;

static BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| RuleBook::embedded().expect("embedded packs load"));

fn action() -> impl Strategy<Value = Action> {
    prop::sample::select(Action::ALL.to_vec())
}

fn cert_action() -> impl Strategy<Value = (CertificateAction, u16, bool)> {
    (
        prop::sample::select(CertificateAction::ALL.to_vec()),
        0u16..200,
        any::<bool>(),
    )
}

proptest! {
    #[test]
    fn applications_are_granted_only_after_the_whole_review(actions in prop::collection::vec(action(), 0..40)) {
        let mut state = ApplicationState::Draft;
        let mut path = vec![state];
        for a in actions {
            let before = state;
            match state.apply(a) {
                Ok(next) => {
                    prop_assert!(!before.is_final(), "{a:?} moved a final application");
                    state = next;
                    path.push(state);
                }
                Err(_) => prop_assert_eq!(state, before),
            }
        }
        if state == ApplicationState::Granted {
            let pos = |s| path.iter().rposition(|p| *p == s);
            let (sub, acc, ver, aud) = (
                pos(ApplicationState::Submitted),
                pos(ApplicationState::Accepted),
                pos(ApplicationState::Verification),
                pos(ApplicationState::Audit),
            );
            prop_assert!(sub < acc && acc < ver && ver < aud, "{path:?}");
        }
        // Nothing leaves a final state.
        if state.is_final() {
            for a in Action::ALL {
                prop_assert!(state.apply(a).is_err());
            }
        }
    }

    #[test]
    fn certificates_never_come_back_from_revocation_and_publish_their_reasons(
        steps in prop::collection::vec(cert_action(), 0..30)
    ) {
        let issued = Date::parse("2026-03-10").unwrap();
        let t = terms(&BOOK, issued, Lang::En).unwrap().unwrap();
        let mut c = Certificate::issue(
            CertificateNumber::new(2026, 1),
            "org".into(),
            Scope::default(),
            issued,
            &t,
        );
        let mut on = issued;
        let mut revoked = false;
        for (action, days, with_reason) in steps {
            for _ in 0..days * 5 {
                on = on.tomorrow();
            }
            let before = c.clone();
            match c.act(action, on, with_reason.then_some("scope breach"), &t) {
                Ok(next) => {
                    prop_assert!(!revoked, "{action:?} changed a revoked certificate");
                    prop_assert!(next.expires_on >= before.expires_on);
                    if action == CertificateAction::Renew {
                        let (first, last) = t.renewal_window_before(before.expires_on).unwrap();
                        prop_assert!(first <= on && on <= last, "renewed on {on} outside {first}..{last}");
                    }
                    c = next;
                }
                Err(_) => prop_assert_eq!(&c, &before),
            }
            revoked = c.status == CertificateStatus::Revoked;
            if matches!(c.status, CertificateStatus::Suspended | CertificateStatus::Revoked) {
                prop_assert!(c.reason.is_some(), "{:?} without a reason", c.status);
            }
            prop_assert!(c.status != CertificateStatus::Expired, "expiry is by date, never stored");
        }
    }

    #[test]
    fn certificate_numbers_are_distinct_and_read_back(
        a in (2020i16..2100, 1u64..10_000_000),
        b in (2020i16..2100, 1u64..10_000_000),
    ) {
        let (na, nb) = (CertificateNumber::new(a.0, a.1), CertificateNumber::new(b.0, b.1));
        prop_assert_eq!(na == nb, a == b);
        prop_assert_eq!(CertificateNumber::parse(na.as_str()), Ok(na.clone()));
    }
}
