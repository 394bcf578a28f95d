//! Which processor the command line acts on: every processor is an organisation, the same one whether its
//! records are written by `chujing ledger ingest` or by `POST /api/v1/transfers` on the same database. The
//! command line names it with `--org NAME|ID` (or `CHUJING_ORG`); a database that holds one processor has it as
//! the default; on a database that holds none, `chujing processor set --name NAME` makes it.

use chujing_store::Store;

use crate::certify::{Actor, Now, Org, OrgKind, Scope, accounts};
use crate::{AppError, Result};

/// The name of a processor the command line made before it was named (a ledger ingest on a new database);
/// `processor set --name` gives it its name.
pub const UNNAMED: &str = "Processor (command line)";

/// The processor organisation `given` names — its id, or its name exactly — or, without one, the one
/// processor the database holds. With `create` (a name and a province, from `processor set`), a database
/// that holds no processor gets one by that name, and a name not found is made.
pub async fn processor(
    store: &Store,
    given: Option<&str>,
    create: Option<(&str, Option<&str>)>,
    actor: &str,
    now: &Now,
) -> Result<Org> {
    let processors = accounts::orgs(store, Some(OrgKind::Processor)).await?;
    let given = given.map(str::trim).filter(|g| !g.is_empty());
    if let Some(g) = given {
        if let Some(org) = processors.iter().find(|o| o.id == g || o.name == g) {
            return Ok(org.clone());
        }
        if let Some((name, province)) = create.filter(|(name, _)| name.trim() == g) {
            return create_processor(store, Some(g), name, province, actor, now).await;
        }
        return Err(AppError::Input(format!(
            "no processor `{g}` in this database: {}",
            known(&processors)
        )));
    }
    match processors.as_slice() {
        [one] => Ok(one.clone()),
        [] => match create {
            Some((name, province)) => create_processor(store, None, name, province, actor, now).await,
            None => Err(AppError::Input(
                "no processor is recorded in this database: `chujing processor set --name NAME --ciio BOOL \
                 --located-in-china BOOL` records one"
                    .into(),
            )),
        },
        many => Err(AppError::Input(format!(
            "this database holds {} processors: name one with --org NAME|ID (or CHUJING_ORG): {}",
            many.len(),
            known(many)
        ))),
    }
}

/// Makes processor `name` — unless, looked at again inside the write, the database holds the processor
/// `given` names by then, or (without one) a processor at all: two commands on a new database at once make one
/// processor, not two.
async fn create_processor(
    store: &Store,
    given: Option<&str>,
    name: &str,
    province: Option<&str>,
    actor: &str,
    now: &Now,
) -> Result<Org> {
    let mut w = crate::certify::write(store).await?;
    let processors = chujing_store::records::Filter {
        state: Some(OrgKind::Processor.id()),
        ..chujing_store::records::Filter::default()
    };
    let found: Vec<Org> = crate::certify::st(w.records("org", &processors).await)?
        .iter()
        .map(crate::certify::decode)
        .collect::<Result<_>>()?;
    let existing = match given {
        Some(g) => found.into_iter().find(|o| o.id == g || o.name == g),
        None => found.into_iter().next(),
    };
    if let Some(org) = existing {
        return Ok(org);
    }
    let org = accounts::new_org_in(
        &mut w,
        OrgKind::Processor,
        name,
        province,
        false,
        actor,
        now,
    )
    .await?;
    crate::certify::st(w.commit().await)?;
    Ok(org)
}

/// The processors by name and id, for a message.
fn known(processors: &[Org]) -> String {
    if processors.is_empty() {
        return "it holds none (`chujing processor set --name NAME` records one)".into();
    }
    processors
        .iter()
        .map(|o| format!("{} ({})", o.name, o.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The command line acting for `org`: who the audit log names (`user`, e.g. `cli:alice`), with write scope.
pub fn operator(org: Org, user: &str) -> Actor {
    Actor {
        user: user.to_string(),
        org,
        scope: Scope::Write,
        password_change_required: false,
    }
}
