//! Applications for certification: created by a processor (or its representative), materials uploaded and
//! checked, submitted with eligibility checked by the law as of that day, reviewed item by item by the body,
//! and granted (a certificate with a scope) or refused.

use super::events::{Event, Subject};
use chujing_cert::certificate::Certificate;
use chujing_cert::{Action, ApplicationState, CertificateNumber, MaterialKind};
use chujing_law::certification::{eligibility, review_checklist, terms};
use chujing_law::{Date, Lang, Profile, RuleBook};
use chujing_store::Store;
use chujing_store::records::{Filter, Record};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::secret::MasterKey;
use super::{
    Actor, Columns, Now, OrgKind, access, audit, decode, get_in, random_hex, record, revised, st,
    write,
};
use crate::{AppError, Result};

/// What a processor sends to open an application.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    /// The certification body applied to (its organisation id).
    pub body: String,
    /// The processor's profile (TOML, as `chujing assess` reads it): its flows are the requested scope.
    pub profile: String,
    /// A processor abroad: its office or designated representative in China (Art. 7).
    #[serde(default)]
    pub representative: Option<String>,
}

/// An uploaded material.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Material {
    /// Which material.
    #[schema(value_type = String)]
    pub kind: MaterialKind,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Who uploaded it, and when.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
    /// For the agreement: the clauses the checker did not find, or found contradicted.
    #[serde(default)]
    pub clauses_missing: Vec<String>,
}

/// A review item's result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewEntry {
    /// The checklist item's id.
    pub item: String,
    /// Whether it passed.
    pub passed: bool,
    /// The evidence relied on.
    pub evidence: String,
    /// The reviewer.
    pub reviewer: String,
    /// When.
    pub at: String,
}

/// One step of an application's history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Step {
    /// The action.
    pub action: String,
    /// Who took it.
    pub by: String,
    /// When.
    pub at: String,
    /// The reason given, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An application as stored and shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Application {
    /// Its id.
    pub id: String,
    /// The applying processor (organisation id).
    pub processor: String,
    /// The certification body (organisation id).
    pub body: String,
    /// Where it stands.
    #[schema(value_type = String)]
    pub state: ApplicationState,
    /// The actions allowed now (by the party whose turn it is).
    #[schema(value_type = Vec<String>)]
    pub allowed: Vec<Action>,
    /// A processor abroad's representative in China.
    pub representative: Option<String>,
    /// The profile (TOML).
    pub profile: String,
    /// The requested scope, from the profile's flows.
    #[schema(value_type = Object)]
    pub scope: chujing_cert::Scope,
    /// The day it was last submitted: eligibility is checked as of this day.
    #[schema(value_type = Option<String>)]
    pub submitted_on: Option<Date>,
    /// Eligibility as last checked (on submission).
    #[schema(value_type = Option<Object>)]
    pub eligibility: Option<chujing_law::certification::Eligibility>,
    /// The materials uploaded.
    pub materials: Vec<Material>,
    /// The materials still missing.
    #[schema(value_type = Vec<String>)]
    pub missing: Vec<MaterialKind>,
    /// The body's review.
    pub review: Vec<ReviewEntry>,
    /// Every step, oldest first.
    pub history: Vec<Step>,
    /// The certificate issued, once granted.
    pub certificate: Option<String>,
}

/// What a step may carry.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    /// Why (required to return or refuse).
    #[serde(default)]
    pub reason: Option<String>,
    /// On `grant`: the certified scope, if narrower than requested.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub scope: Option<chujing_cert::Scope>,
}

/// A review item's result, as the reviewer sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// Whether it passed.
    pub passed: bool,
    /// The evidence relied on (what was seen, where).
    pub evidence: String,
}

/// The scope the profile asks for: its flows carrying PI.
fn requested_scope(p: &Profile) -> chujing_cert::Scope {
    let mut s = chujing_cert::Scope::default();
    for f in p.flows.iter().filter(|f| f.personal_information()) {
        s.categories.extend(f.categories.iter().cloned());
        s.purposes.extend(f.purposes.iter().cloned());
        if !f.recipient.is_empty() {
            s.recipients.insert(f.recipient.clone());
        }
        s.countries.insert(f.country.to_string());
        s.max_individuals = s.max_individuals.saturating_add(f.individuals);
        s.max_sensitive_individuals = s
            .max_sensitive_individuals
            .saturating_add(f.sensitive_individuals);
    }
    s
}

fn store_columns(a: &Application) -> (String, String) {
    (
        a.state.id().to_string(),
        format!("{} {} {}", a.id, a.processor, a.body),
    )
}

/// Stores `a` over the record `rec` it was read from (its owner, party and province kept).
async fn save(
    w: &mut chujing_store::records::Write,
    mut a: Application,
    rec: &Record,
    now: &Now,
) -> Result<Application> {
    a.allowed = a.state.allowed();
    a.missing = MaterialKind::missing(&a.materials.iter().map(|m| m.kind).collect::<Vec<_>>());
    let (state, search) = store_columns(&a);
    let rec = Record {
        search: search.to_lowercase(),
        ..revised(rec, &state, &a, now)?
    };
    st(w.update(&rec).await)?;
    Ok(a)
}

/// Opens an application (a draft) for the actor's organisation.
pub async fn create(
    store: &Store,
    actor: &Actor,
    new: NewApplication,
    now: &Now,
) -> Result<Application> {
    let profile = Profile::parse("profile", &new.profile)?;
    let mut w = write(store).await?;
    let body: super::Org = decode(&get_in(&mut w, "org", &new.body).await?)?;
    if body.kind != OrgKind::CertificationBody {
        return Err(AppError::Input(format!(
            "`{}` is not a certification body",
            new.body
        )));
    }
    let id = format!("app-{}", random_hex(8)?);
    let a = Application {
        id: id.clone(),
        processor: actor.org.id.clone(),
        body: body.id,
        state: ApplicationState::Draft,
        allowed: ApplicationState::Draft.allowed(),
        representative: new.representative.filter(|r| !r.trim().is_empty()),
        scope: requested_scope(&profile),
        profile: new.profile,
        submitted_on: None,
        eligibility: None,
        materials: Vec::new(),
        missing: MaterialKind::ALL.to_vec(),
        review: Vec::new(),
        history: vec![Step {
            action: "create".into(),
            by: actor.label(),
            at: now.at.clone(),
            reason: None,
        }],
        certificate: None,
    };
    let (state, search) = store_columns(&a);
    let rec = record(
        Columns {
            kind: "application",
            id: &id,
            org: &a.processor,
            party: &a.body,
            state: &state,
            search,
            province: actor.org.province,
        },
        &a,
        now,
    )?;
    st(w.insert(&rec).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::ApplicationCreate,
        Subject::Application(&id),
        &serde_json::json!({ "body": a.body, "scope": a.scope }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(a)
}

/// An application the actor may see; another organisation's is not found.
pub async fn get(store: &Store, actor: &Actor, id: &str) -> Result<Application> {
    let rec = super::get(store, "application", id).await?;
    let a: Application = decode(&rec)?;
    seen(actor, &a, &rec, id)?;
    Ok(a)
}

/// Whether the actor may see the application, as not found when not.
fn seen(actor: &Actor, a: &Application, rec: &Record, id: &str) -> Result<()> {
    if access::may_see_application(actor, a, &rec.province) {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no application `{id}`")))
    }
}

/// A page of the applications the actor may see, newest first.
pub async fn page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<Application>> {
    super::page_where(
        store,
        "application",
        &access::own_or_assigned(actor),
        req,
        |a| a,
    )
    .await
}

/// A page of the applications assigned to the actor's body that wait for the body to act (it has a step to
/// take in their state), newest first.
pub async fn queue_page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<Application>> {
    let waiting: Vec<&str> = chujing_cert::ApplicationState::ALL
        .into_iter()
        .filter(|s| {
            s.allowed()
                .iter()
                .any(|a| a.party() == chujing_cert::Party::Body)
        })
        .map(chujing_cert::ApplicationState::id)
        .collect();
    let f = Filter {
        states: Some(&waiting),
        ..access::own_or_assigned(actor)
    };
    super::page_where(store, "application", &f, req, |a| a).await
}

/// The applications the actor may see: its own, or those made to its body; a regulator's, all.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<Application>> {
    list_where(store, &access::own_or_assigned(actor)).await
}

/// Applications passing `f`.
pub(crate) async fn list_where(store: &Store, f: &Filter<'_>) -> Result<Vec<Application>> {
    st(store.records("application", f).await)?
        .iter()
        .map(decode)
        .collect()
}

/// Uploads a material (sealed under the master key); the agreement is run through the clause checker.
pub async fn put_material(
    store: &Store,
    actor: &Actor,
    id: &str,
    kind: MaterialKind,
    bytes: &[u8],
    (key, book): (&MasterKey, &RuleBook),
    now: &Now,
) -> Result<Application> {
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "application", id).await?;
    let mut a: Application = decode(&rec)?;
    seen(actor, &a, &rec, id)?;
    if !access::may_upload(actor, &a) {
        return Err(AppError::Forbidden(
            "only the applicant uploads materials".into(),
        ));
    }
    if !a.state.editable() {
        return Err(AppError::Conflict(format!(
            "the materials of an application that is {} cannot change (only a draft or a returned one)",
            a.state.id()
        )));
    }
    let clauses_missing = if kind == MaterialKind::Agreement {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            AppError::Input(
                "the agreement must be UTF-8 text (Markdown or plain text) to be checked".into(),
            )
        })?;
        let (_, results) = crate::report::check_agreement_text(book, text, now.today, Lang::En)?;
        results
            .iter()
            .filter(|r| !r.found)
            .map(|r| format!("{} ({:?})", r.id, r.status).to_lowercase())
            .collect()
    } else {
        Vec::new()
    };
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    st(
        w.put_blob(&format!("{id}/{}", kind.id()), &key.seal(bytes)?)
            .await,
    )?;
    let m = Material {
        kind,
        sha256,
        size: bytes.len() as u64,
        uploaded_by: actor.label(),
        uploaded_at: now.at.clone(),
        clauses_missing,
    };
    a.materials.retain(|x| x.kind != kind);
    a.materials.push(m.clone());
    a.materials.sort_by_key(|m| m.kind);
    let a = save(&mut w, a, &rec, now).await?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::MaterialUpload,
        Subject::Application(id),
        &m,
    )
    .await?;
    st(w.commit().await)?;
    Ok(a)
}

/// A material's bytes, opened; the read is recorded in the audit log.
pub async fn read_material(
    store: &Store,
    actor: &Actor,
    id: &str,
    kind: MaterialKind,
    key: &MasterKey,
    now: &Now,
) -> Result<Vec<u8>> {
    let app = get(store, actor, id).await?;
    if !access::may_read_materials(actor, &app) {
        return Err(AppError::Forbidden(
            "only the applicant and its certification body read materials".into(),
        ));
    }
    let sealed = st(store.blob(&format!("{id}/{}", kind.id())).await)?.ok_or_else(|| {
        AppError::NotFound(format!("application `{id}` has no {} uploaded", kind.id()))
    })?;
    let bytes = key.open(&sealed)?;
    let mut w = write(store).await?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::MaterialRead,
        Subject::Application(id),
        &serde_json::json!({ "kind": kind }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(bytes)
}

/// Records the body's result on one checklist item.
pub async fn review(
    store: &Store,
    actor: &Actor,
    id: &str,
    item: &str,
    input: ReviewInput,
    book: &RuleBook,
    now: &Now,
) -> Result<Application> {
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "application", id).await?;
    let mut a: Application = decode(&rec)?;
    seen(actor, &a, &rec, id)?;
    if !access::may_review(actor, &a) {
        return Err(AppError::Forbidden(
            "only the certification body the application is made to reviews it".into(),
        ));
    }
    if !matches!(
        a.state,
        ApplicationState::Verification | ApplicationState::Audit
    ) {
        return Err(AppError::Conflict(format!(
            "items are reviewed during verification or audit; the application is {}",
            a.state.id()
        )));
    }
    let on = a.submitted_on.unwrap_or(now.today);
    let items = review_checklist(book, on, Lang::En)?;
    if !items.iter().any(|i| i.id == item) {
        return Err(AppError::Input(format!(
            "no review item `{item}` for an application of {on}; the items are: {}",
            items.iter().map(|i| i.id).collect::<Vec<_>>().join(", ")
        )));
    }
    if input.evidence.trim().is_empty() {
        return Err(AppError::Input("a review result names its evidence".into()));
    }
    let entry = ReviewEntry {
        item: item.into(),
        passed: input.passed,
        evidence: input.evidence,
        reviewer: actor.label(),
        at: now.at.clone(),
    };
    a.review.retain(|r| r.item != item);
    a.review.push(entry.clone());
    let a = save(&mut w, a, &rec, now).await?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::ApplicationReview,
        Subject::Application(id),
        &entry,
    )
    .await?;
    st(w.commit().await)?;
    Ok(a)
}

/// What a step produced besides the application: the certificate, when granted.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The application after the step.
    pub application: Application,
    /// The certificate issued by `grant`.
    pub certificate: Option<Certificate>,
}

/// Takes a step of the lifecycle. Submission checks eligibility as of the day and completeness; a grant
/// needs every review item passed and issues the certificate.
pub async fn act(
    store: &Store,
    actor: &Actor,
    id: &str,
    action: Action,
    input: StepInput,
    book: &RuleBook,
    now: &Now,
) -> Result<Outcome> {
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "application", id).await?;
    let mut a: Application = decode(&rec)?;
    seen(actor, &a, &rec, id)?;
    access::may_step_application(actor, &a, action)?;
    let next = a
        .state
        .apply(action)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    if matches!(action, Action::Return | Action::Refuse) && reason.is_none() {
        return Err(AppError::Input(format!(
            "`{}` gives its reason",
            action.id()
        )));
    }
    let mut certificate = None;
    match action {
        Action::Submit => submit_checks(&mut a, book, now)?,
        Action::Grant => {
            let c = grant(&mut w, &a, input.scope, book, now).await?;
            a.certificate = Some(c.number.to_string());
            certificate = Some(c);
        }
        _ => {}
    }
    a.state = next;
    a.history.push(Step {
        action: action.id().into(),
        by: actor.label(),
        at: now.at.clone(),
        reason: reason.clone(),
    });
    let a = save(&mut w, a, &rec, now).await?;
    let content = serde_json::json!({ "state": a.state, "reason": reason, "certificate": a.certificate, "eligibility": if action == Action::Submit { a.eligibility.as_ref() } else { None } });
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::ApplicationStep(action),
        Subject::Application(id),
        &content,
    )
    .await?;
    if let Some(c) = &certificate {
        super::certificates::record_issue(&mut w, c, &a.body, book, now, &actor.label()).await?;
    }
    st(w.commit().await)?;
    Ok(Outcome {
        application: a,
        certificate,
    })
}

fn submit_checks(a: &mut Application, book: &RuleBook, now: &Now) -> Result<()> {
    let profile = Profile::parse("profile", &a.profile)?;
    let e = eligibility(
        book,
        &profile,
        a.representative.as_deref(),
        now.today,
        Lang::En,
    )?;
    let mut problems: Vec<String> = e
        .ineligible
        .iter()
        .map(|i| i.describe(Lang::En).to_string())
        .collect();
    let missing = MaterialKind::missing(&a.materials.iter().map(|m| m.kind).collect::<Vec<_>>());
    if !missing.is_empty() {
        problems.push(format!(
            "materials missing: {}",
            missing
                .iter()
                .map(|m| m.id())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    a.submitted_on = Some(now.today);
    a.eligibility = Some(e);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "cannot submit on {}: {}",
            now.today,
            problems.join("; ")
        )))
    }
}

async fn grant(
    w: &mut chujing_store::records::Write,
    a: &Application,
    scope: Option<chujing_cert::Scope>,
    book: &RuleBook,
    now: &Now,
) -> Result<Certificate> {
    let on = a.submitted_on.unwrap_or(now.today);
    let items = review_checklist(book, on, Lang::En)?;
    let open: Vec<&str> = items
        .iter()
        .filter(|i| !a.review.iter().any(|r| r.item == i.id && r.passed))
        .map(|i| i.id)
        .collect();
    if !open.is_empty() {
        return Err(AppError::Conflict(format!(
            "cannot grant: review items not passed: {}",
            open.join(", ")
        )));
    }
    let terms = terms(book, now.today, Lang::En)?.ok_or_else(|| {
        AppError::Conflict(format!(
            "the law in force on {} sets no certificate validity",
            now.today
        ))
    })?;
    let year = now.today.year();
    let seq = st(w.next(&format!("certificate-{year}")).await)?;
    // The body certifies what was applied for and reviewed, or less, and only volumes certification may
    // cover on the day of the grant (the guard is chujing-cert's; the pathway the law's).
    let scope = scope.unwrap_or_else(|| a.scope.clone());
    let pathway = chujing_law::certification::pathway_for_volumes(
        book,
        now.today,
        scope.max_individuals,
        scope.max_sensitive_individuals,
    )?;
    a.scope.check_grant(&scope, pathway).map_err(|refusal| {
        AppError::Input(format!("cannot grant: {}", refusal.describe(Lang::En)))
    })?;
    Ok(Certificate::issue(
        CertificateNumber::new(year, seq),
        a.processor.clone(),
        scope,
        now.today,
        &terms,
    ))
}
