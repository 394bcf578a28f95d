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
