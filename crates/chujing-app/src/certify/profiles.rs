//! The processor's own profile kept by the service: the facts `chujing assess` reads (processor and flows,
//! TOML), saved from the assessment page so that the decision can be reviewed and revisited. Each save is
//! checked first (a profile that does not parse is refused with its line) and recorded in the audit log.

use super::events::{Event, Subject};
use chujing_law::profile::Profile;
use chujing_law::{Assessment, Date, Lang, RuleBook};
use chujing_ledger::LedgerStore;
use chujing_store::Store;
use serde::{Deserialize, Serialize};

use super::{Actor, Columns, Now, audit, decode, record, revised, st, write};
use crate::Result;

/// The largest profile kept (a profile of a few hundred flows is far below it).
pub const MAX_PROFILE: usize = 512 * 1024;

/// A saved profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedProfile {
    /// The processor (organisation id).
    pub processor: String,
    /// The profile, as written (TOML).
    pub toml: String,
    /// Who saved it.
    pub saved_by: String,
    /// When (RFC 3339).
    pub saved_at: String,
}

/// Parses a profile given as TOML text; the error names the line and field at fault.
pub fn parse(toml: &str) -> Result<Profile> {
    if toml.len() > MAX_PROFILE {
        return Err(crate::AppError::Input(format!(
            "a profile has at most {MAX_PROFILE} bytes"
        )));
    }
    Ok(Profile::parse("profile.toml", toml)?)
}

/// The decision for a profile given as TOML text, as of `as_of`, in `lang`.
pub fn decide(book: &RuleBook, toml: &str, as_of: Date, lang: Lang) -> Result<Assessment> {
    let profile = parse(toml)?;
    Ok(chujing_law::assess(book, &profile, as_of, lang)?)
}

/// The decision for the actor's profile `toml` with the processor's facts as recorded (`PUT /api/v1/processor`,
/// `chujing processor set`, the last save), which take the place of the profile's: the facts have one home,
/// and the page, the documents and the gate decide from it.
pub async fn decide_recorded(
    book: &RuleBook,
    store: &Store,
    actor: &Actor,
    toml: &str,
    as_of: Date,
    lang: Lang,
) -> Result<Assessment> {
    let mut profile = parse(toml)?;
    with_recorded(store, actor, &mut profile).await?;
    Ok(chujing_law::assess(book, &profile, as_of, lang)?)
}

/// Puts the processor's recorded facts in the place of those the profile states.
async fn with_recorded(store: &Store, actor: &Actor, profile: &mut Profile) -> Result<()> {
    let recorded = store
        .for_processor(&actor.org.id)
        .processor()
        .await
        .map_err(|e| crate::AppError::from_store("cannot read the processor's facts", e))?;
    if let Some(r) = recorded {
        let p = &mut profile.processor;
        p.ciio = r.ciio;
        p.located_in_china = r.located_in_china;
        p.individuals_processed = r.individuals_processed;
        // Recorded, so no longer assumed.
        p.assumed.clear();
    }
    Ok(())
}

/// The actor's saved profile, if any.
pub async fn get(store: &Store, actor: &Actor) -> Result<Option<SavedProfile>> {
    st(store.record("profile", &actor.org.id).await)?
        .map(|r| decode(&r))
        .transpose()
}

/// Saves the actor's profile after checking it, and records the processor facts it states.
pub async fn save(store: &Store, actor: &Actor, toml: &str, now: &Now) -> Result<SavedProfile> {
    let profile = parse(toml)?;
    // The facts the profile states become the processor's recorded facts, which the gate reads: one home.
    super::processor::record_stated(store, actor, &profile.processor, now).await?;
    let saved = SavedProfile {
        processor: actor.org.id.clone(),
        toml: toml.to_string(),
        saved_by: actor.label(),
        saved_at: now.at.clone(),
    };
    let mut w = write(store).await?;
    match st(w.get("profile", &actor.org.id).await)? {
        Some(rec) => st(w.update(&revised(&rec, "saved", &saved, now)?).await)?,
        None => {
            let columns = Columns {
                kind: "profile",
                id: &actor.org.id,
                org: &actor.org.id,
                party: "",
                state: "saved",
                search: String::new(),
                province: None,
            };
            st(w.insert(&record(columns, &saved, now)?).await)?;
        }
    }
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::ProfileSave,
        Subject::Profile(&actor.org.id),
        &serde_json::json!({ "bytes": toml.len() }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(saved)
}

/// A document (PIPIA, self-assessment, filing, certification application) of the actor's saved profile as of
/// `as_of`, with the service's ledger of the actor's batches as its figures once it holds any (as `chujing
/// report --ledger`; before, the profile's own figures, as the document says) and the newest scan report kept
/// for the categories found (`--scan`). `NotFound` when no profile is saved yet.
pub async fn document(
    book: &RuleBook,
    store: &Store,
    actor: &Actor,
    kind: chujing_docs::DocumentKind,
    as_of: Date,
    lang: Lang,
) -> Result<chujing_docs::model::Document> {
    with_inputs(book, store, actor, as_of, lang, |i| {
        chujing_docs::build(kind, i)
    })
    .await
}

/// What Annex I of a standard contract whose text is `text` should state, from the actor's saved profile, the
/// ledger and the newest scan as [`document`] reads them: `Ok(Err(why))` when it cannot be said (no profile
/// saved; the contract names no recipient of the profile's transfers, or several), for the page to show.
pub async fn annex_expectation(
    book: &RuleBook,
    store: &Store,
    actor: &Actor,
    as_of: Date,
    lang: Lang,
    text: &str,
) -> Result<std::result::Result<chujing_docs::form_check::AnnexExpect, String>> {
    let answer = with_inputs(book, store, actor, as_of, lang, |i| {
        chujing_docs::annex_expectation(i, text, None).map_err(|e| e.describe(lang))
    })
    .await;
    match answer {
        Err(crate::AppError::NotFound(_)) => Ok(Err(lang
            .pick(
                "no profile saved yet: save one on the assessment page (/assess) first",
                "尚未保存出境情况：请先在评估页面（/assess）保存",
            )
            .to_string())),
        other => other,
    }
}

/// Calls `f` with the inputs of the actor's documents: the saved profile assessed as of `as_of`, the ledger's
/// figures once it holds batches, and the newest scan kept. `NotFound` when no profile is saved yet.
async fn with_inputs<T>(
    book: &RuleBook,
    store: &Store,
    actor: &Actor,
    as_of: Date,
    lang: Lang,
    f: impl FnOnce(&chujing_docs::Inputs<'_>) -> T,
) -> Result<T> {
    let saved = get(store, actor).await?.ok_or_else(|| {
        crate::AppError::NotFound(
            "no profile saved yet: save one on the assessment page (/assess) first".into(),
        )
    })?;
    let mut profile = parse(&saved.toml)?;
    with_recorded(store, actor, &mut profile).await?;
    let ledger = store.for_processor(&actor.org.id);
    let used = crate::assess::holds_batches(&ledger)
        .await?
        .then_some(&ledger);
    let assessed = crate::assess::assess(book, &profile, as_of, lang, used).await?;
    // The newest scan report kept, for the categories found.
    let scan = super::scans::page(store, actor, &super::first_of(1)?)
        .await?
        .items
        .first()
        .map(super::scans::Scan::figures);
    Ok(f(&chujing_docs::Inputs {
        profile_file: "profile.toml",
        profile: &profile,
        assessment: &assessed.assessment,
        ledger: assessed.ledger.as_ref(),
        scan: scan.as_ref(),
    }))
}
