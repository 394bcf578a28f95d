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

/// Moves the flows the command line recorded in the ledger's own flows table into the one home of flows (the
/// flow records the service, the gate and the pages read), once per organisation: a flow recorded only there
/// becomes a record with its mechanism, exemption, kind and important data (recipient and country not
/// recorded); a flow recorded in both keeps its record. Returns how many flows moved.
pub async fn move_ledger_flows(store: &Store, actor: &str, now: &super::Now) -> Result<u64> {
    use chujing_ledger::LedgerStore;
    const MOVED: &str = "upgrade/ledger-flows";
    if st(store.setting(MOVED).await)?.is_some() {
        return Ok(0);
    }
    let mut moved = 0;
    for org in super::accounts::orgs(store, Some(super::OrgKind::Processor)).await? {
        let ledger = store.for_processor(&org.id);
        let flows = ledger
            .flows()
            .await
            .map_err(|e| crate::AppError::from_store("cannot read the ledger's flows", e))?;
        if flows.is_empty() {
            continue;
        }
        let operator = crate::org::operator(org.clone(), actor);
        for f in &flows {
            let rid = super::flows::record_id(&org.id, &f.id);
            if st(store.record("flow", &rid).await)?.is_some() {
                continue;
            }
            let patch = super::flows::FlowPatch {
                kind: Some(f.kind),
                exemption: f.exemption.map(crate::settings::Change::Set),
                important_data: Some(f.important_data),
                mechanism: f.mechanism.map(|m| {
                    crate::settings::Change::Set(super::flows::FlowMechanism {
                        kind: m.kind,
                        since: Some(m.since),
                        until: m.until,
                        certificate: None,
                    })
                }),
                ..super::flows::FlowPatch::default()
            };
            super::flows::patch(store, &operator, &f.id, patch, now).await?;
            moved += 1;
        }
        let mut w = write(store).await?;
        st(w.clear_ledger_flows(&org.id).await)?;
        st(w.commit().await)?;
    }
    // Nothing writes the ledger's flows table any more: once moved, there is nothing to look for.
    st(store.set_setting(MOVED, "done").await)?;
    Ok(moved)
}

/// Every data upgrade, in order, for a database opened by a command or the service: provinces as codes, the
/// unnamed processor as an organisation, the ledger's flows as flow records.
pub async fn all(store: &Store, actor: &str, now: &super::Now) -> Result<Option<Org>> {
    fill_provinces(store).await?;
    let adopted = adopt_unnamed_processor(store, actor, now).await?;
    move_ledger_flows(store, actor, now).await?;
    Ok(adopted)
}
