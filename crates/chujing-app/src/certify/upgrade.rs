//! Data the schema's migrations cannot fill by SQL alone, filled once when the database is opened for
//! writing: each record's province (migration 0008), read from the organisations' provinces by the same
//! table that reads them everywhere ([`chujing_law::Province`]), so that `浙江`, `浙江省` and `330000`
//! become one code.

use std::collections::HashMap;

use chujing_law::Province;
use chujing_store::Store;
use chujing_store::records::{Filter, Record};

use super::{Org, encode, st, write};
use crate::Result;

/// The setting that says the provinces were filled.
const PROVINCES_FILLED: &str = "upgrade/record-province";

/// The kinds whose jurisdiction is their owner's (the processor in the `org` column).
const OWNED: [&str; 6] = [
    "application",
    "certificate",
    "filing",
    "order",
    "scope_case",
    "flow",
];

/// Fills the province of every record made before jurisdiction by code, once; returns how many records it
/// changed. Organisations' provinces are rewritten as codes; a report takes the province it names, or its
/// certificate's. A change of format, not of content: each record keeps its `updated_at`.
pub async fn fill_provinces(store: &Store) -> Result<u64> {
    if st(store.setting(PROVINCES_FILLED).await)?.is_some() {
        return Ok(0);
    }
    let mut w = write(store).await?;
    if st(w.setting(PROVINCES_FILLED).await)?.is_some() {
        return Ok(0);
    }
    let mut changed = 0;
    let mut provinces: HashMap<String, Province> = HashMap::new();
    for rec in st(store.records("org", &Filter::default()).await)? {
        // Reading decodes a name as its code; writing stores the code.
        let org: Org = super::decode(&rec)?;
        if let Some(p) = org.province {
            provinces.insert(org.id.clone(), p);
        }
        let code = org.province.map_or("", Province::code).to_string();
        let body = encode(&org)?;
        if body != rec.body || rec.province != code {
            let updated = Record {
                body,
                party: code.clone(),
                province: code,
                ..rec
            };
            st(w.update(&updated).await)?;
            changed += 1;
        }
    }
    let code_of = |org: &str| provinces.get(org).map(|p| p.code().to_string());
    for kind in OWNED {
        for rec in st(store.records(kind, &Filter::default()).await)? {
            if let Some(code) = code_of(&rec.org).filter(|c| *c != rec.province) {
                st(w.update(&Record {
                    province: code,
                    ..rec
                })
                .await)?;
                changed += 1;
            }
        }
    }
    let certificates: HashMap<String, String> =
        st(store.records("certificate", &Filter::default()).await)?
            .into_iter()
            .map(|r| (r.id, r.province))
            .collect();
    for rec in st(store.records("report", &Filter::default()).await)? {
        let report: super::public::Report = super::decode(&rec)?;
        let named = report
            .province
            .as_deref()
            .and_then(|p| Province::parse(p).ok());
        let code = named
            .map(|p| p.code().to_string())
            .or_else(|| certificates.get(&report.about).cloned())
            .unwrap_or_default();
        if code != rec.province {
            st(w.update(&Record {
                province: code,
                ..rec
            })
            .await)?;
            changed += 1;
        }
    }
    st(w.set_setting(PROVINCES_FILLED, "done").await)?;
    st(w.commit().await)?;
    Ok(changed)
}

/// Makes the command line's unnamed processor an organisation, once: a database whose ledger has batches,
/// flows, removals or facts of the processor `''` (written before every processor was an organisation) gets a
/// processor organisation — named as its facts name it, in the province they give — and every one of those
/// records moves to it, with the organisation's creation, in one write. Returns the organisation made.
pub async fn adopt_unnamed_processor(
    store: &Store,
    actor: &str,
    now: &super::Now,
) -> Result<Option<Org>> {
    use chujing_ledger::LedgerStore;
    let unnamed = store.for_processor("");
    let read = |e| crate::AppError::from_store("cannot read the unnamed processor's ledger", e);
    let facts = unnamed.processor().await.map_err(read)?;
    let holds = facts.is_some()
        || !unnamed.batch_metas().await.map_err(read)?.is_empty()
        || !unnamed.flows().await.map_err(read)?.is_empty()
        || !unnamed.removals().await.map_err(read)?.is_empty();
    if !holds {
        return Ok(None);
    }
    let name = facts
        .as_ref()
        .map(|f| f.name.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| crate::org::UNNAMED.to_string());
    let province = facts
        .as_ref()
        .and_then(|f| f.province.as_deref())
        .filter(|p| Province::parse(p).is_ok());
    let mut w = write(store).await?;
    let org = super::accounts::new_org_in(
        &mut w,
        super::OrgKind::Processor,
        &name,
        province,
        false,
        actor,
        now,
    )
    .await?;
    st(w.move_processor("", &org.id).await)?;
    super::audit(
        &mut w,
        now,
        actor,
        super::events::Event::ProcessorAdopt,
        super::events::Subject::Org(&org.id),
        &serde_json::json!({ "from": "the command line's unnamed processor" }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(Some(org))
}
