//! Organisations, users and credentials. Passwords are hashed with Argon2id; API tokens and browser sessions
//! are random 256-bit values stored only as their SHA-256, scoped, expiring and revocable.

use super::events::{Event, Subject};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chujing_store::Store;
use chujing_store::records::Filter;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::fresh::Views;
use super::{
    Actor, Columns, Now, Org, OrgKind, Scope, audit, decode, get, get_in, random_hex, record, st,
    write,
};
use crate::{AppError, Result};

/// A user: an e-mail in one organisation. The password hash never leaves the store.
#[derive(Clone, Serialize, Deserialize)]
pub struct User {
    /// The e-mail, lower case: the user's id.
    pub email: String,
    /// The organisation's id.
    pub org: String,
    password_hash: String,
    /// The language the user chose for the pages, remembered across browsers.
    #[serde(default)]
    pub lang: Option<chujing_law::Lang>,
    /// Disabled by an administrator: no sign-in, and every session and token of the user ends at once.
    #[serde(default)]
    pub disabled: bool,
    /// The password is a one-time password (generated for a new user, or by a reset): the user chooses their
    /// own before doing anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("email", &self.email)
            .field("org", &self.org)
            .finish_non_exhaustive()
    }
}

/// What a credential is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// An API token (`chujing admin token create`).
    Api,
    /// A session opened by signing in.
    Session,
}

impl CredentialKind {
    /// The audit event of its creation.
    fn created(self) -> Event {
        match self {
            CredentialKind::Api => Event::TokenCreate,
            CredentialKind::Session => Event::SessionCreate,
        }
    }
}

/// A stored credential (found by the SHA-256 of the token).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Credential {
    user: String,
    scope: Scope,
    kind: CredentialKind,
    expires_at: String,
    /// A session's CSRF token (sent back in a header with every change).
    csrf: Option<String>,
}

/// A token as issued: the secret is shown once (and never in `Debug`).
#[derive(Clone, Serialize)]
pub struct Issued {
    /// The bearer token (or session cookie value).
    pub token: String,
    /// When it expires (RFC 3339).
    pub expires_at: String,
    /// A session's CSRF token.
    pub csrf: Option<String>,
    /// The language the user chose for the pages, if they chose one (a sign-in restores it).
    pub lang: Option<chujing_law::Lang>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("csrf", &self.csrf.as_ref().map(|_| "<redacted>"))
            .field("lang", &self.lang)
            .finish()
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Input(format!("cannot hash the password: {e}")))
}

/// A new random password (24 characters, about 120 bits).
pub fn new_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let hex = random_hex(24)?;
    let bytes = hex::decode(hex).unwrap_or_default();
    Ok(bytes
        .iter()
        .map(|b| {
            ALPHABET
                .get(usize::from(*b) % ALPHABET.len())
                .map_or('x', |c| char::from(*c))
        })
        .collect())
}

fn check_email(email: &str) -> Result<String> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(u, d)| !u.is_empty() && d.contains('.'))
        && !e.chars().any(char::is_whitespace);
    if ok {
        Ok(e)
    } else {
        Err(AppError::Input(format!(
            "`{email}` is not an e-mail address"
        )))
    }
}

fn rfc3339_plus(now: &Now, hours: i64) -> Result<String> {
    let t: jiff::Timestamp = now
        .at
        .parse()
        .map_err(|e| AppError::Input(format!("bad time `{}`: {e}", now.at)))?;
    t.checked_add(jiff::SignedDuration::from_hours(hours))
        .map(|t| t.to_string())
        .map_err(|e| AppError::Input(format!("expiry out of range: {e}")))
}

/// Creates the first regulator organisation (national) and its first user; returns them with a one-time
/// password. Refused once a regulator exists (a database the command line made holds its processor only).
pub async fn init(store: &Store, name: &str, email: &str, now: &Now) -> Result<(Org, String)> {
    init_with(store, name, email, None, now).await
}

/// [`init`] with the first user's password given (`None`: a one-time password, returned).
pub async fn init_with(
    store: &Store,
    name: &str,
    email: &str,
    password: Option<&str>,
    now: &Now,
) -> Result<(Org, String)> {
    let regulators = Filter {
        state: Some(OrgKind::Regulator.id()),
        ..Filter::default()
    };
    let any = st(store
        .records_page("org", &regulators, &super::first_of(1)?)
        .await)?;
    if any.total > 0 {
        return Err(AppError::Conflict(
            "already initialised: use `chujing admin org add` and `chujing admin user add`".into(),
        ));
    }
    let org = add_org(store, OrgKind::Regulator, name, None, "admin", now).await?;
    let (_, generated) = add_user(store, &org.id, email, password, "admin", now).await?;
    Ok((
        org,
        generated
            .or(password.map(str::to_string))
            .unwrap_or_default(),
    ))
}

/// Adds an organisation. A processor and a provincial regulator name their province.
pub async fn add_org(
    store: &Store,
    kind: OrgKind,
    name: &str,
    province: Option<&str>,
    actor: &str,
    now: &Now,
) -> Result<Org> {
    new_org(
        store,
        kind,
        name,
        province,
        kind == OrgKind::Processor,
        actor,
        now,
    )
    .await
}

async fn new_org(
    store: &Store,
    kind: OrgKind,
    name: &str,
    province: Option<&str>,
    province_required: bool,
    actor: &str,
    now: &Now,
) -> Result<Org> {
    let mut w = write(store).await?;
    let org = new_org_in(&mut w, kind, name, province, province_required, actor, now).await?;
    st(w.commit().await)?;
    Ok(org)
}

/// Adds an organisation with the write `w`, with its audit entry.
pub(crate) async fn new_org_in(
    w: &mut chujing_store::records::Write,
    kind: OrgKind,
    name: &str,
    province: Option<&str>,
    province_required: bool,
    actor: &str,
    now: &Now,
) -> Result<Org> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::Input(
            "an organisation needs a name of 1 to 200 characters".into(),
        ));
    }
    let province = province
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(chujing_law::Province::parse)
        .transpose()
        .map_err(|e| AppError::Input(format!("--province: {e}")))?;
    if province_required && province.is_none() {
        return Err(AppError::Input(
            "a processor names the province where it is registered (--province, e.g. 310000 or Shanghai): its filings and reports go to that province's regulator".into(),
        ));
    }
    let org = Org {
        id: format!("org-{}", random_hex(8)?),
        kind,
        name: name.to_string(),
        province,
    };
    let rec = record(
        Columns {
            kind: "org",
            id: &org.id,
            org: &org.id,
            party: province.map_or("", chujing_law::Province::code),
            state: kind.id(),
            search: format!("{} {}", org.id, org.name),
            province,
        },
        &org,
        now,
    )?;
    st(w.insert(&rec).await)?;
    audit(w, now, actor, Event::OrgAdd, Subject::Org(&org.id), &org).await?;
    Ok(org)
}

/// Adds a user to an organisation; without a password, a one-time password is generated and returned (shown
/// once), which the user replaces at their first sign-in.
pub async fn add_user(
    store: &Store,
    org: &str,
    email: &str,
    password: Option<&str>,
    actor: &str,
    now: &Now,
) -> Result<(String, Option<String>)> {
    let email = check_email(email)?;
    if let Some(p) = password
        && p.chars().count() < 12
    {
        return Err(AppError::Input(
            "a password has at least 12 characters".into(),
        ));
    }
    let generated = match password {
        Some(_) => None,
        None => Some(new_password()?),
    };
    let password_hash = hash_password(password.or(generated.as_deref()).unwrap_or_default())?;
    let mut w = write(store).await?;
    get_in(&mut w, "org", org).await?;
    let user = User {
        email: email.clone(),
        org: org.to_string(),
        password_hash,
        lang: None,
        disabled: false,
        must_change_password: generated.is_some(),
    };
    let rec = record(
        Columns {
            kind: "user",
            id: &email,
            org,
            party: "",
            state: "active",
            search: email.clone(),
            province: None,
        },
        &user,
        now,
    )?;
    st(w.insert(&rec).await)?;
    audit(
        &mut w,
        now,
        actor,
        Event::UserAdd,
        Subject::User(&email),
        &serde_json::json!({ "org": org }),
    )
    .await?;
    st(w.commit().await)?;
    Ok((email, generated))
}

async fn issue(
    store: &Store,
    user: &User,
    scope: Scope,
    kind: CredentialKind,
    hours: i64,
    actor: &str,
    now: &Now,
) -> Result<Issued> {
    let token = format!("cj_{}", random_hex(32)?);
    let csrf = (kind == CredentialKind::Session)
        .then(|| random_hex(16))
        .transpose()?;
    let cred = Credential {
        user: user.email.clone(),
        scope,
        kind,
        expires_at: rfc3339_plus(now, hours)?,
        csrf: csrf.clone(),
    };
    let id = token_hash(&token);
    let mut w = write(store).await?;
    let rec = record(
        Columns {
            kind: "token",
            id: &id,
            org: &user.org,
            party: &user.email,
            state: "active",
            search: String::new(),
            province: None,
        },
        &cred,
        now,
    )?;
    st(w.insert(&rec).await)?;
    // The log names the token by its hash's prefix, never the token.
    let content = serde_json::json!({ "user": user.email, "kind": kind, "scope": scope, "expires_at": cred.expires_at, "id": id.get(..12) });
    audit(
        &mut w,
        now,
        actor,
        kind.created(),
        Subject::User(&user.email),
        &content,
    )
    .await?;
    st(w.commit().await)?;
    Ok(Issued {
        token,
        expires_at: cred.expires_at,
        csrf,
        lang: user.lang,
    })
}

/// Creates an API token for a user, valid `days`; the token is shown once.
pub async fn create_token(
    store: &Store,
    email: &str,
    scope: Scope,
    days: u16,
    actor: &str,
    now: &Now,
) -> Result<Issued> {
    let user: User = decode(&get(store, "user", &check_email(email)?).await?)?;
    issue(
        store,
        &user,
        scope,
        CredentialKind::Api,
        i64::from(days.clamp(1, 366)) * 24,
        actor,
        now,
    )
    .await
}

/// Logs in with a password: a session of 12 hours, or `None` when the e-mail or password is wrong (the two
/// are not told apart, neither by the answer nor by its time: an unknown e-mail is checked against a dummy
/// hash with the same Argon2 parameters, so that timing does not tell which e-mails have accounts). The
/// Argon2 run is on a blocking thread, off the request threads.
pub async fn login(
    store: &Store,
    email: &str,
    password: &str,
    now: &Now,
) -> Result<Option<Issued>> {
    let user = match check_email(email) {
        Ok(email) => match st(store.record("user", &email).await)? {
            Some(rec) => Some(decode::<User>(&rec)?),
            None => None,
        },
        Err(_) => None,
    };
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify(hash.as_deref(), &password))
        .await
        .map_err(|e| AppError::Io {
            context: "the password check stopped".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
    // A disabled user is refused as a wrong password is: the answer does not tell which.
    let Some(user) = user.filter(|u| ok && !u.disabled) else {
        return Ok(None);
    };
    let actor = format!("{} ({})", user.email, user.org);
    issue(
        store,
        &user,
        Scope::Write,
        CredentialKind::Session,
        12,
        &actor,
        now,
    )
    .await
    .map(Some)
}

/// Whether `password` matches the stored hash; without one (an unknown e-mail), the same work against
/// [`DUMMY_HASH`], and `false`.
fn verify(stored: Option<&str>, password: &str) -> bool {
    let check = |phc: &str| {
        PasswordHash::new(phc).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    };
    match stored {
        Some(phc) => check(phc),
        None => {
            let _ = check(&DUMMY_HASH);
            false
        }
    }
}

/// A hash of a random password with the parameters of every user's hash (Argon2's defaults), made once.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let password = random_hex(16).unwrap_or_else(|_| "no randomness: a fixed dummy".into());
    hash_password(&password).unwrap_or_default()
});

/// Makes the dummy hash now (the server calls it at start), so that the first sign-in for an unknown e-mail
/// does not take twice as long as the others.
pub fn prepare_login() {
    std::sync::LazyLock::force(&DUMMY_HASH);
}

/// Remembers the language a user chose for the pages (the switch, signed in), so that signing in from another
/// browser restores it.
pub async fn set_language(
    store: &Store,
    email: &str,
    lang: chujing_law::Lang,
    now: &Now,
) -> Result<()> {
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "user", email).await?;
    let mut user: User = decode(&rec)?;
    if user.lang == Some(lang) {
        return Ok(());
    }
    user.lang = Some(lang);
    st(w.update(&super::revised(&rec, "active", &user, now)?).await)?;
    st(w.commit().await)?;
    Ok(())
}

/// Who an active credential stands for, as stored: what [`authenticate`] keeps between requests (by the
/// token's hash, never the token).
#[derive(Clone)]
pub struct Authenticated {
    actor: std::sync::Arc<Actor>,
    csrf: Option<String>,
    /// `None` when the stored instant does not read: such a credential is treated as expired.
    expires_at: Option<jiff::Timestamp>,
}

impl std::fmt::Debug for Authenticated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticated")
            .field("actor", &self.actor)
            .field("csrf", &self.csrf.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The actor a token stands for, if it is known, active and unexpired; with a session's CSRF token. What a
/// credential stands for is kept in `views` while nothing changes; expiry is checked against `now` every time.
pub async fn authenticate(
    store: &Store,
    views: &Views,
    token: &str,
    now: &Now,
) -> Result<Option<(std::sync::Arc<Actor>, Option<String>)>> {
    let id = token_hash(token);
    let found = views
        .credentials
        .get(store, id.clone(), || credential(store, id))
        .await?;
    let Some(found) = found.as_ref() else {
        return Ok(None);
    };
    let unexpired = found
        .expires_at
        .zip(now.at.parse::<jiff::Timestamp>().ok())
        .is_some_and(|(exp, now)| now < exp);
    Ok(unexpired.then(|| (std::sync::Arc::clone(&found.actor), found.csrf.clone())))
}

/// The active credential stored under `id`, with its user and organisation.
async fn credential(store: &Store, id: String) -> Result<Option<Authenticated>> {
    let Some(rec) = st(store.record("token", &id).await)? else {
        return Ok(None);
    };
    if rec.state != "active" {
        return Ok(None);
    }
    let cred: Credential = decode(&rec)?;
    let user: User = decode(&get(store, "user", &cred.user).await?)?;
    if user.disabled {
        return Ok(None);
    }
    let org: Org = decode(&get(store, "org", &user.org).await?)?;
    Ok(Some(Authenticated {
        actor: std::sync::Arc::new(Actor {
            user: user.email,
            org,
            scope: cred.scope,
            // An API token is made by the operator for a program; the one-time password binds sessions.
            password_change_required: user.must_change_password
                && cred.kind == CredentialKind::Session,
        }),
        csrf: cred.csrf,
        expires_at: cred.expires_at.parse().ok(),
    }))
}

/// Revokes a token or ends a session.
pub async fn revoke(store: &Store, token: &str, actor: &str, now: &Now) -> Result<()> {
    let id = token_hash(token);
    let mut w = write(store).await?;
    let mut rec = get_in(&mut w, "token", &id).await?;
    rec.state = "revoked".into();
    rec.updated_at = now.at.clone();
    st(w.update(&rec).await)?;
    audit(
        &mut w,
        now,
        actor,
        Event::TokenRevoke,
        Subject::User(&rec.party),
        &serde_json::json!({ "id": id.get(..12) }),
    )
    .await?;
    st(w.commit().await)
}

/// The shortest password a user may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Checks a password a user chose: long enough, not their e-mail.
fn check_new_password(email: &str, password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Input(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.trim().eq_ignore_ascii_case(email) {
        return Err(AppError::Input(
            "a password is not the e-mail address".into(),
        ));
    }
    Ok(())
}

/// Changes the actor's password: the current one is checked (on a blocking thread, as a sign-in's), the new
/// one must differ and be at least [`MIN_PASSWORD_CHARS`] long; the one-time password's hold ends, and every
/// other session of the user ends (a changed password is often a suspected one).
pub async fn change_password(
    store: &Store,
    actor: &Actor,
    current: &str,
    new: &str,
    session: Option<&str>,
    now: &Now,
) -> Result<()> {
    check_new_password(&actor.user, new)?;
    if current == new {
        return Err(AppError::Input(
            "the new password is the current one: choose another".into(),
        ));
    }
    let rec = get(store, "user", &actor.user).await?;
    let user: User = decode(&rec)?;
    let (stored, given) = (user.password_hash.clone(), current.to_owned());
    let ok = tokio::task::spawn_blocking(move || verify(Some(&stored), &given))
        .await
        .map_err(|e| AppError::Io {
            context: "the password check stopped".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
    if !ok {
        return Err(AppError::Forbidden(
            "the current password is not right".into(),
        ));
    }
    let hash = hash_password(new)?;
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "user", &actor.user).await?;
    let mut user: User = decode(&rec)?;
    user.password_hash = hash;
    user.must_change_password = false;
    st(w.update(&super::revised(&rec, &rec.state, &user, now)?)
        .await)?;
    let kept = session.map(token_hash);
    let ended = end_credentials(
        &mut w,
        &user.email,
        Some(CredentialKind::Session),
        kept.as_deref(),
        now,
    )
    .await?;
    audit(
        &mut w,
        now,
        &actor.label(),
        Event::UserPassword,
        Subject::User(&user.email),
        &serde_json::json!({ "sessions_ended": ended }),
    )
    .await?;
    st(w.commit().await)
}

/// Resets a user's password (an administrator's act): a new one-time password, returned to be passed on, which
/// the user must replace at their next sign-in; every session of the user ends.
pub async fn reset_password(store: &Store, email: &str, actor: &str, now: &Now) -> Result<String> {
    let email = check_email(email)?;
    let password = new_password()?;
    let hash = hash_password(&password)?;
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "user", &email).await?;
    let mut user: User = decode(&rec)?;
    user.password_hash = hash;
    user.must_change_password = true;
    st(w.update(&super::revised(&rec, &rec.state, &user, now)?)
        .await)?;
    let ended = end_credentials(&mut w, &email, Some(CredentialKind::Session), None, now).await?;
    audit(
        &mut w,
        now,
        actor,
        Event::UserReset,
        Subject::User(&email),
        &serde_json::json!({ "sessions_ended": ended }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(password)
}

/// Disables (or enables again) a user: a disabled user cannot sign in, and their sessions and tokens stop
/// answering at once (each request looks the credential's user up; a disabled one is no one). Their
/// sessions and tokens are also revoked, so that enabling the user again does not bring them back.
pub async fn set_disabled(
    store: &Store,
    email: &str,
    disabled: bool,
    actor: &str,
    now: &Now,
) -> Result<u64> {
    let email = check_email(email)?;
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "user", &email).await?;
    let mut user: User = decode(&rec)?;
    if user.disabled == disabled {
        return Err(AppError::Conflict(format!(
            "{email} is {} already",
            if disabled { "disabled" } else { "enabled" }
        )));
    }
    user.disabled = disabled;
    let state = if disabled { "disabled" } else { "active" };
    st(w.update(&super::revised(&rec, state, &user, now)?).await)?;
    let ended = if disabled {
        end_credentials(&mut w, &email, None, None, now).await?
    } else {
        0
    };
    let event = if disabled {
        Event::UserDisable
    } else {
        Event::UserEnable
    };
    audit(
        &mut w,
        now,
        actor,
        event,
        Subject::User(&email),
        &serde_json::json!({ "credentials_ended": ended }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(ended)
}

/// Revokes, inside `w`, the active credentials of `email` (of `kind`, or all), but the one stored under
/// `keep`; returns how many.
async fn end_credentials(
    w: &mut chujing_store::records::Write,
    email: &str,
    kind: Option<CredentialKind>,
    keep: Option<&str>,
    now: &Now,
) -> Result<u64> {
    let mut ended = 0;
    let theirs = Filter {
        party: Some(email),
        ..Filter::default()
    };
    for rec in st(w.records("token", &theirs).await)? {
        if rec.state != "active" || Some(rec.id.as_str()) == keep {
            continue;
        }
        let cred: Credential = decode(&rec)?;
        if kind.is_some_and(|k| k != cred.kind) {
            continue;
        }
        st(w.update(&chujing_store::records::Record {
            state: "revoked".into(),
            updated_at: now.at.clone(),
            ..rec
        })
        .await)?;
        ended += 1;
    }
    Ok(ended)
}

/// A credential as listed: never the token, its id (the first 12 characters of the token's SHA-256) only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenInfo {
    /// The id to revoke it by.
    pub id: String,
    /// The user it stands for.
    pub user: String,
    /// An API token or a session.
    pub kind: CredentialKind,
    /// `read` or `write`.
    pub scope: Scope,
    /// When it expires.
    pub expires_at: String,
    /// `active` or `revoked`.
    pub state: String,
    /// When it was made or last changed.
    pub updated_at: String,
}

/// The credentials of `user` (all users' when `None`), newest first, each with its record number (for
/// paging): what `chujing admin token list`, the account page and `GET /api/v1/account/tokens` show.
pub async fn tokens(store: &Store, user: Option<&str>) -> Result<Vec<(i64, TokenInfo)>> {
    let email = user.map(check_email).transpose()?;
    let f = Filter {
        party: email.as_deref(),
        ..Filter::default()
    };
    st(store.records("token", &f).await)?
        .iter()
        .rev()
        .map(|rec| {
            let cred: Credential = decode(rec)?;
            let info = TokenInfo {
                id: rec.id.get(..12).unwrap_or(&rec.id).to_string(),
                user: cred.user,
                kind: cred.kind,
                scope: cred.scope,
                expires_at: cred.expires_at,
                state: rec.state.clone(),
                updated_at: rec.updated_at.clone(),
            };
            Ok((rec.seq, info))
        })
        .collect()
}

/// Revokes the credential whose id begins with `id` (at least 8 characters, one credential only), of `user`
/// when given (a user revokes their own; the administrator anyone's).
pub async fn revoke_by_id(
    store: &Store,
    id: &str,
    user: Option<&str>,
    actor: &str,
    now: &Now,
) -> Result<TokenInfo> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() < 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::Input(
            "a token's id is 8 to 64 hexadecimal characters, as `chujing admin token list` shows it".into(),
        ));
    }
    let found: Vec<TokenInfo> = tokens(store, user)
        .await?
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| id.starts_with(&t.id) || t.id.starts_with(&id))
        .collect();
    let [one] = found.as_slice() else {
        return Err(if found.is_empty() {
            AppError::NotFound(format!("no token `{id}`"))
        } else {
            AppError::Input(format!("`{id}` names several tokens: give more of it"))
        });
    };
    let mut w = write(store).await?;
    let theirs = Filter {
        party: Some(&one.user),
        ..Filter::default()
    };
    let full = st(w.records("token", &theirs).await)?
        .into_iter()
        .find(|r| r.id.starts_with(&one.id))
        .ok_or_else(|| AppError::NotFound(format!("no token `{id}`")))?;
    if full.state != "active" {
        return Err(AppError::Conflict(format!(
            "token `{}` is revoked already",
            one.id
        )));
    }
    st(w.update(&chujing_store::records::Record {
        state: "revoked".into(),
        updated_at: now.at.clone(),
        ..full
    })
    .await)?;
    audit(
        &mut w,
        now,
        actor,
        Event::TokenRevoke,
        Subject::User(&one.user),
        &serde_json::json!({ "id": one.id }),
    )
    .await?;
    st(w.commit().await)?;
    Ok(TokenInfo {
        state: "revoked".into(),
        ..one.clone()
    })
}

/// Gives organisation `id` the name `name` (the command line's processor, made before it was named).
pub async fn rename_org(
    store: &Store,
    id: &str,
    name: &str,
    actor: &str,
    now: &Now,
) -> Result<Org> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::Input(
            "an organisation needs a name of 1 to 200 characters".into(),
        ));
    }
    let mut w = write(store).await?;
    let rec = get_in(&mut w, "org", id).await?;
    let mut org: Org = decode(&rec)?;
    org.name = name.to_string();
    let updated = chujing_store::records::Record {
        search: format!("{} {}", org.id, org.name).to_lowercase(),
        ..super::revised(&rec, &rec.state, &org, now)?
    };
    st(w.update(&updated).await)?;
    audit(
        &mut w,
        now,
        actor,
        Event::OrgRename,
        Subject::Org(&org.id),
        &org,
    )
    .await?;
    st(w.commit().await)?;
    Ok(org)
}

/// An organisation.
pub async fn org(store: &Store, id: &str) -> Result<Org> {
    decode(&get(store, "org", id).await?)
}

/// A page of the organisations, optionally of one kind, newest first.
pub async fn org_page(
    store: &Store,
    kind: Option<OrgKind>,
    req: &super::PageRequest,
) -> Result<super::Page<Org>> {
    let f = Filter {
        state: kind.map(OrgKind::id),
        ..Filter::default()
    };
    super::page_where(store, "org", &f, req, |o| o).await
}

/// Every organisation, optionally of one kind.
pub async fn orgs(store: &Store, kind: Option<OrgKind>) -> Result<Vec<Org>> {
    let f = Filter {
        state: kind.map(OrgKind::id),
        ..Filter::default()
    };
    st(store.records("org", &f).await)?
        .iter()
        .map(decode)
        .collect()
}
