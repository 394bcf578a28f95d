//! Certificates: their numbers, statuses and the actions that change them (Certification Measures 2026
//! Art. 8, 10).

use std::fmt;

use chujing_law::Date;
use chujing_law::certification::CertificationTerms;
use serde::{Deserialize, Serialize};

use crate::scope::Scope;
use crate::{CertError, parse_id};

/// A certificate number, `PIC-YYYY-NNNNNN`: the year of issue and a sequence the store allocates once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertificateNumber(String);

impl CertificateNumber {
    /// The number of the `seq`th certificate issued in `year`.
    pub fn new(year: i16, seq: u64) -> CertificateNumber {
        CertificateNumber(format!("PIC-{year:04}-{seq:06}"))
    }

    /// Parses `PIC-YYYY-NNNNNN`.
    pub fn parse(s: &str) -> Result<CertificateNumber, CertError> {
        let bad = || CertError::Unknown {
            what: "certificate number",
            given: s.chars().take(40).collect(),
            expected: "PIC-YYYY-NNNNNN".into(),
        };
        let rest = s.strip_prefix("PIC-").ok_or_else(bad)?;
        let (year, seq) = rest.split_once('-').ok_or_else(bad)?;
        let digits = |t: &str, min: usize| t.len() >= min && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() == 4 && digits(year, 4) && digits(seq, 6) {
            Ok(CertificateNumber(s.to_string()))
        } else {
            Err(bad())
        }
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CertificateNumber {
    type Error = CertError;
    fn try_from(s: String) -> Result<Self, CertError> {
        CertificateNumber::parse(&s)
    }
}

impl From<CertificateNumber> for String {
    fn from(n: CertificateNumber) -> String {
        n.0
    }
}

/// Where a certificate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// In force.
    Valid,
    /// Suspended by the body (Art. 10: exports outside the scope, or requirements no longer met).
    Suspended,
    /// Revoked: final.
    Revoked,
    /// Past its last valid day: final.
    Expired,
}

impl CertificateStatus {
    /// Every status.
    pub const ALL: [CertificateStatus; 4] = [
        CertificateStatus::Valid,
        CertificateStatus::Suspended,
        CertificateStatus::Revoked,
        CertificateStatus::Expired,
    ];

    /// The snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Suspended => "suspended",
            CertificateStatus::Revoked => "revoked",
            CertificateStatus::Expired => "expired",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Result<CertificateStatus, CertError> {
        parse_id("certificate status", s, &Self::ALL, Self::id)
    }
}

/// A step on a certificate (`POST /certificates/{number}/actions/{action}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateAction {
    /// Suspend, with a reason.
    Suspend,
    /// Lift a suspension.
    Reinstate,
    /// Revoke, with a reason.
    Revoke,
    /// Renew, within the window before expiry (Art. 8).
    Renew,
}

impl CertificateAction {
    /// Every action.
    pub const ALL: [CertificateAction; 4] = [
        CertificateAction::Suspend,
        CertificateAction::Reinstate,
        CertificateAction::Revoke,
        CertificateAction::Renew,
    ];

    /// The snake_case name used in the API.
    pub fn id(self) -> &'static str {
        match self {
            CertificateAction::Suspend => "suspend",
            CertificateAction::Reinstate => "reinstate",
            CertificateAction::Revoke => "revoke",
            CertificateAction::Renew => "renew",
        }
    }

    /// Parses an action name.
    pub fn parse(s: &str) -> Result<CertificateAction, CertError> {
        parse_id("certificate action", s, &Self::ALL, Self::id)
    }

    /// Whether the action must give its reason (a suspension or revocation is published with it, Art. 10).
    pub fn needs_reason(self) -> bool {
        matches!(self, CertificateAction::Suspend | CertificateAction::Revoke)
    }
}

/// A certificate as issued and as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// Its number.
    pub number: CertificateNumber,
    /// The holder (the processor's organisation id).
    pub holder: String,
    /// What it covers.
    pub scope: Scope,
    /// The day it was issued.
    pub issued_on: Date,
    /// Its last valid day.
    pub expires_on: Date,
    /// Its status as last changed (see [`Certificate::status_on`] for the status on a day).
    pub status: CertificateStatus,
    /// Why it was last suspended or revoked.
    pub reason: Option<String>,
}

impl Certificate {
    /// A certificate issued on `issued_on` under `terms`.
    pub fn issue(
        number: CertificateNumber,
        holder: String,
        scope: Scope,
        issued_on: Date,
        terms: &CertificationTerms,
    ) -> Certificate {
        Certificate {
            number,
            holder,
            scope,
            issued_on,
            expires_on: terms.expires(issued_on),
            status: CertificateStatus::Valid,
            reason: None,
        }
    }

    /// Its status on `on`: a valid or suspended certificate past its last day is expired.
    pub fn status_on(&self, on: Date) -> CertificateStatus {
        match self.status {
            CertificateStatus::Valid | CertificateStatus::Suspended if on > self.expires_on => {
                CertificateStatus::Expired
            }
            s => s,
        }
    }

    /// The certificate after `action` on `on`, or why it is not allowed. `terms` are the law's on `on`.
    pub fn act(
        &self,
        action: CertificateAction,
        on: Date,
        reason: Option<&str>,
        terms: &CertificationTerms,
    ) -> Result<Certificate, CertError> {
        use CertificateAction as A;
        use CertificateStatus as S;
        let status = self.status_on(on);
        let refuse = |hint: String| CertError::Certificate {
            action: action.id(),
            status: status.id(),
            hint,
        };
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if action.needs_reason() && reason.is_none() {
            // The article is the pack's (the certified-scope duty), where the law in force has one.
            let article = terms
                .scope_citation
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            return Err(refuse(format!(
                "give the reason: it is published with the certificate{article}"
            )));
        }
        let mut next = self.clone();
        match (status, action) {
            (S::Valid, A::Suspend) => next.status = S::Suspended,
            (S::Suspended, A::Reinstate) => next.status = S::Valid,
            (S::Valid | S::Suspended, A::Revoke) => next.status = S::Revoked,
            (S::Valid, A::Renew) => {
                let Some((first, last)) = terms.renewal_window_before(self.expires_on) else {
                    return Err(refuse("the law in force sets no renewal window".into()));
                };
                if on < first || on > last {
                    return Err(refuse(format!(
                        "renewal is applied for from {first} to {last}, the {} months before expiry ({})",
                        terms.renewal_months.as_ref().map_or(0, |t| t.value),
                        terms
                            .renewal_months
                            .as_ref()
                            .map_or("", |t| t.citation.as_str()),
                    )));
                }
                next.expires_on = self.expires_on.add_years(terms.validity_years.value);
            }
            (S::Revoked | S::Expired, _) => return Err(refuse("it is final".into())),
            (S::Suspended, A::Suspend) => return Err(refuse("it is already suspended".into())),
            (S::Valid, A::Reinstate) => return Err(refuse("it is not suspended".into())),
            (S::Suspended, A::Renew) => {
                return Err(refuse(
                    "reinstate it first: a suspended certificate is not renewed".into(),
                ));
            }
        }
        if action.needs_reason() {
            next.reason = reason.map(str::to_string);
        } else if action == A::Reinstate {
            next.reason = None;
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chujing_law::{Lang, RuleBook};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn issued() -> (Certificate, CertificationTerms) {
        let book = RuleBook::embedded().unwrap_or_else(|e| unreachable!("{e}"));
        let t = chujing_law::certification::terms(&book, d("2026-03-10"), Lang::En)
            .ok()
            .flatten()
            .unwrap_or_else(|| unreachable!("terms in force"));
        let c = Certificate::issue(
            CertificateNumber::new(2026, 7),
            "p1".into(),
            Scope::default(),
            d("2026-03-10"),
            &t,
        );
        (c, t)
    }

    #[test]
    fn a_suspension_needs_a_reason_and_is_lifted_by_reinstatement() {
        let (c, t) = issued();
        let on = d("2026-06-01");
        let err = c.act(CertificateAction::Suspend, on, None, &t).unwrap_err();
        assert!(err.to_string().contains("Art. 10"), "{err}");
        let s = c.act(CertificateAction::Suspend, on, Some("outside scope"), &t);
        let s = s.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(s.status, CertificateStatus::Suspended);
        assert_eq!(s.reason.as_deref(), Some("outside scope"));
        let v = s.act(CertificateAction::Reinstate, on, None, &t);
        let v = v.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!((v.status, v.reason), (CertificateStatus::Valid, None));
    }

    #[test]
    fn renewal_only_within_the_six_months_before_expiry() {
        let (c, t) = issued();
        assert_eq!(c.expires_on, d("2029-03-09"));
        let early = c
            .act(CertificateAction::Renew, d("2028-09-09"), None, &t)
            .unwrap_err();
        assert!(
            early.to_string().contains("from 2028-09-10 to 2029-03-09"),
            "{early}"
        );
        let r = c.act(CertificateAction::Renew, d("2028-09-10"), None, &t);
        let r = r.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(r.expires_on, d("2032-03-09"));
    }

    #[test]
    fn an_expired_certificate_is_final() {
        let (c, t) = issued();
        assert_eq!(c.status_on(d("2029-03-10")), CertificateStatus::Expired);
        let err = c
            .act(CertificateAction::Suspend, d("2029-03-10"), Some("x"), &t)
            .unwrap_err();
        assert!(err.to_string().contains("expired: it is final"), "{err}");
    }

    #[test]
    fn numbers_are_checked() {
        assert!(CertificateNumber::parse("PIC-2026-000001").is_ok());
        for bad in [
            "PIC-26-000001",
            "XYZ-2026-000001",
            "PIC-2026-01",
            "PIC-2026-00000a",
        ] {
            assert!(CertificateNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
