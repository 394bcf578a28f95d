//! Uploaded materials are encrypted at rest with AES-256-GCM under the deployment's master key
//! (`CHUJING_MASTER_KEY`, 64 hex digits, or a key file created with mode 0600 beside a SQLite database).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use crate::{AppError, Result};

/// The deployment's master key. Its `Debug` never shows it.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// A key from 64 hex digits.
    pub fn from_hex(hex_key: &str) -> Result<MasterKey> {
        let bytes = hex::decode(hex_key.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                AppError::Input(
                    "the master key must be 64 hex digits (32 bytes), e.g. from `openssl rand -hex 32`".into(),
                )
            })?;
        Ok(MasterKey(bytes))
    }

    /// The key from `env` (`CHUJING_MASTER_KEY`) if set, else from the file `path`, created with mode 0600
    /// when missing.
    pub fn load(env: Option<&str>, path: &std::path::Path) -> Result<MasterKey> {
        if let Some(hex_key) = env {
            return MasterKey::from_hex(hex_key)
                .map_err(|e| AppError::Input(format!("CHUJING_MASTER_KEY: {e}")));
        }
        let io = |what: &str, source| AppError::Io {
            context: format!("cannot {what} the master key {}", path.display()),
            source,
        };
        if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| io("read", e))?;
            return MasterKey::from_hex(&text)
                .map_err(|e| AppError::Input(format!("{}: {e}", path.display())));
        }
        let hex_key = super::random_hex(32)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let written = options.open(path).and_then(|mut f| {
            use std::io::Write;
            writeln!(f, "{hex_key}")?;
            f.sync_all()
        });
        match written {
            Ok(()) => MasterKey::from_hex(&hex_key),
            // Another process created it first: that one is the key.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => MasterKey::load(None, path),
            Err(e) => Err(io("create", e)),
        }
    }

    /// `plaintext` sealed: a fresh 12-byte nonce, then the ciphertext with its tag.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0));
        let nonce: [u8; 12] = hex::decode(super::random_hex(12)?)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| AppError::Input("cannot draw a nonce".into()))?;
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), plaintext)
            .map_err(|_| AppError::Input("cannot encrypt the material".into()))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// The plaintext of `sealed`; an error when it was sealed under another key or altered.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>> {
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0));
        let (nonce, body) = sealed.split_at_checked(12).ok_or_else(|| {
            AppError::Conflict("a stored material is too short to be sealed".into())
        })?;
        let nonce: [u8; 12] = nonce.try_into().unwrap_or_default();
        cipher.decrypt(&Nonce::from(nonce), body).map_err(|_| {
            AppError::Conflict(
                "a stored material does not open: it was altered, or sealed under another master key".into(),
            )
        })
    }
}

/// The master key of the service on the database `url`: `CHUJING_MASTER_KEY` (`env`) if set, else, for a
/// SQLite database, the file `PATH.master.key` beside it (created with mode 0600 on first use). A PostgreSQL
/// deployment sets the variable: every node must seal and open with the same key.
pub fn for_database(url: &str, env: Option<&str>) -> Result<MasterKey> {
    if env.is_some() {
        return MasterKey::load(env, std::path::Path::new(""));
    }
    match crate::db::sqlite_url_path(url) {
        Some(path) => MasterKey::load(None, std::path::Path::new(&format!("{path}.master.key"))),
        None => Err(AppError::Input(
            "set CHUJING_MASTER_KEY to the deployment's master key (64 hex digits, e.g. from `openssl rand -hex 32`); every node uses the same key".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_materials_open_only_under_their_key_and_unaltered() {
        let k = MasterKey::from_hex(&"11".repeat(32)).unwrap();
        let sealed = k.seal(b"the agreement").unwrap();
        assert!(!sealed.windows(13).any(|w| w == b"the agreement"));
        assert_eq!(k.open(&sealed).unwrap(), b"the agreement");
        let other = MasterKey::from_hex(&"22".repeat(32)).unwrap();
        assert!(other.open(&sealed).is_err());
        let mut altered = sealed.clone();
        if let Some(b) = altered.last_mut() {
            *b ^= 1;
        }
        assert!(k.open(&altered).is_err());
        assert_eq!(format!("{k:?}"), "MasterKey(***)");
    }

    #[test]
    fn a_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let a = MasterKey::load(None, &path).unwrap();
        let b = MasterKey::load(None, &path).unwrap();
        assert_eq!(a.0, b.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
