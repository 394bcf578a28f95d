//! Regulator orders: an interview (Certification Measures 2026 Art. 16), rectification with a deadline, and
//! the suspension of a processor's transfers, in force until lifted (each order states its own grounds).

use super::events::{Event, Subject};
use chujing_law::Date;
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Actor, Columns, Now, OrgKind, access, audit, decode, get_in, random_hex, record, revised, st,
    write,
};
use crate::{AppError, Result};

pub use chujing_cert::{OrderKind, OrderState};

/// An order as the regulator issues it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// The processor (organisation id).
    pub processor: String,
    /// What it does: `interview`, `rectification`, `suspend_transfers` or `lift`.
    #[schema(value_type = String)]
    pub kind: OrderKind,
    /// The order's text: grounds and what is required.
    pub text: String,
    /// The deadline (rectification).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub deadline: Option<Date>,
    /// The order lifted (`lift`).
    #[serde(default)]
    pub lifts: Option<String>,
}

/// An order as kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Order {
    /// Its reference (quoted by the gate when it refuses).
    pub reference: String,
    /// The processor.
    pub processor: String,
    /// The issuing regulator (organisation id).
    pub regulator: String,
    /// What it does.
    #[schema(value_type = String)]
    pub kind: OrderKind,
    /// Its text.
    pub text: String,
    /// The deadline.
    #[schema(value_type = Option<String>)]
    pub deadline: Option<Date>,
    /// The order it lifts.
    pub lifts: Option<String>,
    /// `in_force`, `lifted`, or `done` (a lift).
    #[schema(value_type = String)]
    pub status: OrderState,
    /// Issued on.
    #[schema(value_type = String)]
    pub issued_on: Date,
}

/// Issues an order; a `lift` ends the order it names.
pub async fn issue(store: &Store, actor: &Actor, new: NewOrder, now: &Now) -> Result<Order> {
    let processor = super::accounts::org(store, &new.processor).await?;
    access::may_order(actor, &processor)?;
    let status = chujing_cert::OrderDraft {
        kind: new.kind,
        text: &new.text,
        deadline: new.deadline,
        lifts: new.lifts.as_deref(),
        today: now.today,
    }
    .issue()
    .map_err(super::refused)?;
    let mut w = write(store).await?;
    let processor: super::Org = decode(&get_in(&mut w, "org", &new.processor).await?)?;
    if processor.kind != OrgKind::Processor {
        return Err(AppError::Input(format!(
            "`{}` is not a processor",
            new.processor
        )));
    }
    if let Some(target) = new.lifts.as_deref() {
        let rec = get_in(&mut w, "order", target).await?;
        let mut o: Order = decode(&rec)?;
        if o.processor != processor.id {
            return Err(AppError::Conflict(format!(
                "order `{target}` is not one of `{}`'s",
                processor.id
            )));
        }
        o.status = o.status.lift().map_err(super::refused)?;
        st(w.update(&revised(&rec, o.status.id(), &o, now)?).await)?;
    }
    let year = now.today.year();
    let seq = st(w.next(&format!("order-{year}")).await)?;
    let o = Order {
        reference: format!("ORD-{year}-{seq:05}-{}", &random_hex(2)?),
        processor: processor.id.clone(),
        regulator: actor.org.id.clone(),
        kind: new.kind,
        text: new.text.trim().into(),
        deadline: new.deadline,
        lifts: new.lifts,
        status,
        issued_on: now.today,
    };
    let rec = record(
        Columns {
            kind: "order",
            id: &o.reference,
            org: &o.processor,
            party: &o.regulator,
            state: o.status.id(),
            search: o.reference.clone(),
            province: processor.province,
        },
        &o,
        now,
    )?;
    st(w.insert(&rec).await)?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::OrderIssue,
        Subject::Org(&o.processor),
        &o,
    )
    .await?;
    st(w.commit().await)?;
    Ok(o)
}

/// A page of the orders the actor may see, newest first.
pub async fn page(
    store: &Store,
    actor: &Actor,
    req: &super::PageRequest,
) -> Result<super::Page<Order>> {
    super::page_where(
        store,
        "order",
        &access::jurisdiction_filter(actor),
        req,
        |o| o,
    )
    .await
}

/// The orders the actor may see: its own, or those its regulator issued; the national regulator's, all.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<Order>> {
    list_where(store, &access::jurisdiction_filter(actor)).await
}

/// The orders passing `f`.
pub(crate) async fn list_where(store: &Store, f: &Filter<'_>) -> Result<Vec<Order>> {
    st(store.records("order", f).await)?
        .iter()
        .map(decode)
        .collect()
}

/// The processor's transfer suspension in force, if any.
pub async fn suspension(store: &Store, processor: &str) -> Result<Option<Order>> {
    let f = Filter {
        org: Some(processor),
        state: Some("in_force"),
        ..Filter::default()
    };
    Ok(list_where(store, &f)
        .await?
        .into_iter()
        .find(|o| o.kind == OrderKind::SuspendTransfers))
}
