//! What the audit log records: each kind of change is one [`Event`], named in the log's `action` column
//! (`application.submit`, `certificate.suspend`, …), and what it concerns is one [`Subject`], named in the
//! `subject` column (`application/ID`, `batch/ORG/ID`, …). The names are those the log has always used, so
//! that a chain written before reads the same; no use case writes them by hand.

use std::fmt;

use chujing_cert::{Action, CertificateAction, FilingState};

/// A change the audit log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An organisation added.
    OrgAdd,
    /// An organisation renamed.
    OrgRename,
    /// A user added.
    UserAdd,
    /// A user changed their password.
    UserPassword,
    /// An administrator reset a user's password (a one-time password issued).
    UserReset,
    /// A user disabled (their sessions and tokens end).
    UserDisable,
    /// A user enabled again.
    UserEnable,
    /// A sign-in opened a session.
    SessionCreate,
    /// An API token created (named `api.create` in the log).
    TokenCreate,
    /// A session or token revoked.
    TokenRevoke,
    /// An application made.
    ApplicationCreate,
    /// A step of an application's lifecycle.
    ApplicationStep(Action),
    /// A review item recorded.
    ApplicationReview,
    /// A material uploaded.
    MaterialUpload,
    /// A material read.
    MaterialRead,
    /// A certificate issued.
    CertificateIssue,
    /// A certificate suspended, reinstated, revoked or renewed.
    CertificateStep(CertificateAction),
    /// A report to the certification platform falls due.
    PlatformReportDue,
    /// A report to the platform made.
    PlatformReportMade,
    /// A supervision plan set.
    SupervisionSchedule,
    /// A supervision audit recorded.
    SupervisionAudit,
    /// A scope case opened.
    ScopeCaseOpen,
    /// A scope case closed.
    ScopeCaseClose,
    /// A standard contract filing made.
    FilingCreate,
    /// A filing's step, named by the state it led to.
    FilingStep(FilingState),
    /// A regulator's order issued.
    OrderIssue,
    /// A violation report received.
    ReportReceive,
    /// A processor's facts recorded.
    ProcessorPut,
    /// The command line's unnamed processor's ledger made an organisation's.
    ProcessorAdopt,
    /// A flow recorded.
    FlowPut,
    /// A profile saved.
    ProfileSave,
    /// A scan report kept.
    ScanAdd,
    /// A batch recorded in the ledger.
    TransferRecord,
    /// A batch taken out of the ledger.
    BatchRemove,
}

impl Event {
    /// The name in the log's `action` column.
    pub fn name(self) -> String {
        let fixed = match self {
            Event::ApplicationStep(a) => return format!("application.{}", a.id()),
            Event::CertificateStep(a) => return format!("certificate.{}", a.id()),
            Event::FilingStep(s) => return format!("filing.{}", s.id()),
            Event::OrgAdd => "org.add",
            Event::OrgRename => "org.rename",
            Event::UserAdd => "user.add",
            Event::UserPassword => "user.password",
            Event::UserReset => "user.reset",
            Event::UserDisable => "user.disable",
            Event::UserEnable => "user.enable",
            Event::SessionCreate => "session.create",
            // The name the log has used since API tokens were first issued.
            Event::TokenCreate => "api.create",
            Event::TokenRevoke => "token.revoke",
            Event::ApplicationCreate => "application.create",
            Event::ApplicationReview => "application.review",
            Event::MaterialUpload => "material.upload",
            Event::MaterialRead => "material.read",
            Event::CertificateIssue => "certificate.issue",
            Event::PlatformReportDue => "platform_report.due",
            Event::PlatformReportMade => "platform_report.made",
            Event::SupervisionSchedule => "supervision.schedule",
            Event::SupervisionAudit => "supervision.audit",
            Event::ScopeCaseOpen => "scope_case.open",
            Event::ScopeCaseClose => "scope_case.close",
            Event::FilingCreate => "filing.create",
            Event::OrderIssue => "order.issue",
            Event::ReportReceive => "report.receive",
            Event::ProcessorPut => "processor.put",
            Event::ProcessorAdopt => "processor.adopt",
            Event::FlowPut => "flow.put",
            Event::ProfileSave => "profile.save",
            Event::ScanAdd => "scan.add",
            Event::TransferRecord => "transfer.record",
            Event::BatchRemove => "batch.remove",
        };
        fixed.to_string()
    }
}

/// What an audit entry concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// An organisation (also the processor an order is issued to).
    Org(&'a str),
    /// A user, by e-mail.
    User(&'a str),
    /// An application.
    Application(&'a str),
    /// A certificate, by number.
    Certificate(&'a str),
    /// A scope case.
    ScopeCase(&'a str),
    /// A filing.
    Filing(&'a str),
    /// A violation report, by receipt.
    Report(&'a str),
    /// A processor's facts.
    Processor(&'a str),
    /// A flow, by its record id.
    Flow(&'a str),
    /// A processor's saved profile.
    Profile(&'a str),
    /// A scan report.
    Scan(&'a str),
    /// A ledger batch of a processor.
    Batch {
        /// The processor.
        processor: &'a str,
        /// The batch id.
        batch: &'a str,
    },
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Org(id) => write!(f, "org/{id}"),
            Subject::User(email) => write!(f, "user/{email}"),
            Subject::Application(id) => write!(f, "application/{id}"),
            Subject::Certificate(n) => write!(f, "certificate/{n}"),
            Subject::ScopeCase(id) => write!(f, "scope_case/{id}"),
            Subject::Filing(id) => write!(f, "filing/{id}"),
            Subject::Report(r) => write!(f, "report/{r}"),
            Subject::Processor(id) => write!(f, "processor/{id}"),
            Subject::Flow(id) => write!(f, "flow/{id}"),
            Subject::Profile(id) => write!(f, "profile/{id}"),
            Subject::Scan(id) => write!(f, "scan/{id}"),
            Subject::Batch { processor, batch } => write!(f, "batch/{processor}/{batch}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_ones_the_log_has_always_used() {
        assert_eq!(
            Event::ApplicationStep(Action::Submit).name(),
            "application.submit"
        );
        assert_eq!(
            Event::CertificateStep(CertificateAction::Suspend).name(),
            "certificate.suspend"
        );
        assert_eq!(
            Event::FilingStep(FilingState::Returned).name(),
            "filing.returned"
        );
        assert_eq!(Event::TransferRecord.name(), "transfer.record");
        assert_eq!(
            Subject::Batch {
                processor: "org-1",
                batch: "b/1"
            }
            .to_string(),
            "batch/org-1/b/1"
        );
    }
}
