//! Who may see and change which record, decided here and nowhere else (kanidm's model: access is checked
//! where the records are). Every use case that reads or changes a certification record calls these with the
//! record in hand, and every list is filtered in its query by the filter this module gives, so that the
//! command line, the API and the pages cannot differ. Deny by default: a processor sees only its own
//! organisation's records; a certification body only the applications and certificates assigned to it; a
//! provincial regulator those of its province (each record carries the GB/T 2260 code of the province whose
//! regulator has jurisdiction: the processor's, or the one a report names); the national regulator all.
//!
//! A record the actor may not see is answered as not found (its existence is not disclosed); a record it may
//! see but not change is refused as forbidden, naming who may.

use chujing_cert::{Action, Party};
use chujing_store::records::Filter;

use super::applications::Application;
use super::cases::ScopeCase;
use super::certificates::CertificateRecord;
use super::filings::{Filing, FilingAction};
use super::{Actor, Org, OrgKind};
use crate::{AppError, Result};

/// Whether a record of `province` (a GB/T 2260 code, empty when none) is in regulator `a`'s jurisdiction:
/// the national regulator's always, a provincial one's when it is of its province.
pub fn in_jurisdiction(a: &Actor, province: &str) -> bool {
    a.org.kind == OrgKind::Regulator && a.org.province.is_none_or(|p| p.code() == province)
}

/// Whether `a` may see an application (kept in `province`): its processor, its body, or a regulator with
/// jurisdiction.
pub fn may_see_application(a: &Actor, app: &Application, province: &str) -> bool {
    match a.org.kind {
        OrgKind::Processor => app.processor == a.org.id,
        OrgKind::CertificationBody => app.body == a.org.id,
        OrgKind::Regulator => in_jurisdiction(a, province),
        OrgKind::Recipient => false,
    }
}

/// Whether `a` may take `action` on an application: the applicant submits and withdraws, its assigned body
/// does the rest.
pub fn may_step_application(a: &Actor, app: &Application, action: Action) -> Result<()> {
    let ok = match action.party() {
        Party::Applicant => a.org.kind == OrgKind::Processor && app.processor == a.org.id,
        Party::Body => a.org.kind == OrgKind::CertificationBody && app.body == a.org.id,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only the {} may {} this application",
            if action.party() == Party::Applicant {
                "applicant"
            } else {
                "certification body it is made to"
            },
            action.id()
        )))
    }
}

/// Whether `a` may upload materials: the applicant only.
pub fn may_upload(a: &Actor, app: &Application) -> bool {
    a.org.kind == OrgKind::Processor && app.processor == a.org.id
}

/// Whether `a` may read materials: the applicant and its body.
pub fn may_read_materials(a: &Actor, app: &Application) -> bool {
    may_upload(a, app) || (a.org.kind == OrgKind::CertificationBody && app.body == a.org.id)
}

/// Whether `a` may review: the assigned body.
pub fn may_review(a: &Actor, app: &Application) -> bool {
    a.org.kind == OrgKind::CertificationBody && app.body == a.org.id
}

/// Whether `a` may see a certificate kept in `province` (beyond the public registry): its holder, its body, a
/// regulator with jurisdiction.
pub fn may_see_certificate(a: &Actor, c: &CertificateRecord, province: &str) -> bool {
    match a.org.kind {
        OrgKind::Processor => c.certificate.holder == a.org.id,
        OrgKind::CertificationBody => c.body == a.org.id,
        OrgKind::Regulator => in_jurisdiction(a, province),
        OrgKind::Recipient => false,
    }
}

/// Whether `a` may suspend, reinstate, revoke or renew a certificate: the body that issued it.
pub fn may_act_on_certificate(a: &Actor, c: &CertificateRecord) -> bool {
    a.org.kind == OrgKind::CertificationBody && c.body == a.org.id
}

/// What a regulator lists: the national regulator everything, a provincial one its province's records.
fn regulator_filter(a: &Actor) -> Filter<'static> {
    Filter {
        province: a.org.province.map(chujing_law::Province::code),
        ..Filter::default()
    }
}

/// The applications, certificates, cases or supervision plans `a` may list.
pub fn own_or_assigned(a: &Actor) -> Filter<'_> {
    match a.org.kind {
        OrgKind::Processor | OrgKind::Recipient => Filter {
            org: Some(&a.org.id),
            ..Filter::default()
        },
        OrgKind::CertificationBody => Filter {
            party: Some(&a.org.id),
            ..Filter::default()
        },
        OrgKind::Regulator => regulator_filter(a),
    }
}

/// The violation reports `a` may list: a regulator those of its jurisdiction, a body those about its
/// certificates.
pub fn reports_filter(a: &Actor) -> Filter<'_> {
    match a.org.kind {
        OrgKind::Regulator => regulator_filter(a),
        _ => Filter {
            party: Some(&a.org.id),
            ..Filter::default()
        },
    }
}

/// Records between a processor (`org`) and a regulator — filings, orders, flows: a regulator those of its
/// jurisdiction (the processor's province), a processor its own.
pub fn jurisdiction_filter(a: &Actor) -> Filter<'_> {
    match a.org.kind {
        OrgKind::Regulator => regulator_filter(a),
        _ => Filter {
            org: Some(&a.org.id),
            ..Filter::default()
        },
    }
}

/// Whether regulator `a` may issue an order to `processor`: the national regulator to any, a provincial one
/// to processors registered in its province.
pub fn may_order(a: &Actor, processor: &Org) -> Result<()> {
    if a.org.kind != OrgKind::Regulator {
        return Err(AppError::Forbidden("only a regulator issues orders".into()));
    }
    match a.org.province {
        Some(p) if processor.province != Some(p) => Err(AppError::Forbidden(format!(
            "`{}` is registered outside your province ({p}); the national regulator or that province's acts",
            processor.id
        ))),
        _ => Ok(()),
    }
}

/// Whether `a` may see a filing kept in `province`: its processor, a regulator with jurisdiction.
pub fn may_see_filing(a: &Actor, f: &Filing, province: &str) -> bool {
    match a.org.kind {
        OrgKind::Processor => f.processor == a.org.id,
        OrgKind::Regulator => in_jurisdiction(a, province),
        _ => false,
    }
}

/// Whether `a` may take `action` on a filing: its processor submits, the regulator it is filed with
/// returns or accepts.
pub fn may_act_on_filing(a: &Actor, f: &Filing, action: FilingAction) -> Result<()> {
    let ok = if action.by_processor() {
        a.org.kind == OrgKind::Processor && f.processor == a.org.id
    } else {
        a.org.kind == OrgKind::Regulator && f.regulator == a.org.id
    };
    if ok {
        Ok(())
    } else if action.by_processor() {
        Err(AppError::Forbidden(
            "only the processor submits its filing".into(),
        ))
    } else {
        Err(AppError::Forbidden(
            "only the regulator the filing is made with returns or accepts it".into(),
        ))
    }
}

/// Whether `a` may close a scope case: the body whose certificate it concerns.
pub fn may_close_case(a: &Actor, c: &ScopeCase) -> bool {
    a.org.kind == OrgKind::CertificationBody && c.body == a.org.id
}

/// The platform reports `a` may list: a body its own, a regulator all.
pub fn platform_reports_body(a: &Actor) -> Option<&str> {
    (a.org.kind != OrgKind::Regulator).then_some(a.org.id.as_str())
}
