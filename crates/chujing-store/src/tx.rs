//! One write transaction on a pooled connection, whose state the store knows.
//!
//! A connection goes back to the pool only in a state the store has seen: after a COMMIT that succeeded, or
//! after a ROLLBACK that succeeded on a transaction none of whose statements failed. A statement that failed
//! or was cut short (the request cancelled), and above all a COMMIT that failed, leave the transaction in a
//! state only the database knows — SQLite may have rolled it back by itself (a full disk, an I/O error), or
//! not (a busy lock) — and such a connection is closed, which ends whatever is open. A connection returned in
//! an unknown state could answer later writes inside a transaction that never commits: acknowledged, then
//! lost.

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

use crate::{Backend, StoreError};

/// A pooled connection of either backend.
#[derive(Debug)]
pub(crate) enum Conn {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

impl Conn {
    /// Runs one statement without parameters.
    async fn run(&mut self, sql: &'static str) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite(c) => {
                sqlx::raw_sql(sql).execute(&mut **c).await?;
            }
            Conn::Postgres(c) => {
                sqlx::raw_sql(sql).execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    /// Closes the connection when it is dropped, instead of returning it to the pool: closing ends any
    /// transaction still open on it, on both backends.
    fn close_on_drop(&mut self) {
        match self {
            Conn::Sqlite(c) => c.close_on_drop(),
            Conn::Postgres(c) => c.close_on_drop(),
        }
    }
}

/// An open write transaction.
#[derive(Debug)]
pub(crate) struct Tx {
    /// The connection, until the transaction ends.
    conn: Option<Conn>,
    /// Whether every statement so far succeeded: false while one runs, and for good after one failed.
    sound: bool,
}

impl Tx {
    /// Takes a connection from the pool and begins a write transaction on it. SQLite takes its write lock
    /// now (`BEGIN IMMEDIATE`), so that a write that reads first never has to upgrade a read lock, which
    /// could deadlock with another writer.
    pub(crate) async fn begin(backend: &Backend) -> Result<Tx, StoreError> {
        let (conn, begin) = match backend {
            Backend::Sqlite(p) => (Conn::Sqlite(p.acquire().await?), "BEGIN IMMEDIATE"),
            Backend::Postgres(p) => (Conn::Postgres(p.acquire().await?), "BEGIN"),
        };
        let mut tx = Tx {
            conn: Some(conn),
            sound: false,
        };
        tx.statement()?.run(begin).await?;
        tx.succeeded();
        Ok(tx)
    }

    /// The connection for the next statement. The transaction counts as unsound until
    /// [`Tx::succeeded`] is called after it.
    pub(crate) fn statement(&mut self) -> Result<&mut Conn, StoreError> {
        self.sound = false;
        self.conn
            .as_mut()
            .ok_or_else(|| StoreError::Corrupt("a statement after the write ended".into()))
    }

    /// The last statement succeeded.
    pub(crate) fn succeeded(&mut self) {
        self.sound = true;
    }

    /// Commits. `Ok` means the database reported the COMMIT done (durable: SQLite with `synchronous =
    /// FULL`, PostgreSQL with its default `synchronous_commit`); on any error the connection is closed.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        self.statement()?.run("COMMIT").await?;
        // Back to the pool: nothing is open on it.
        self.conn = None;
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        // Closed when dropped, unless the rollback below succeeds first.
        let conn = Unsettled(Some(conn));
        if !self.sound {
            return;
        }
        // A write given up without an error of the database (a refusal, a conflict): roll it back and keep
        // the connection. Drop cannot wait, so the rollback runs as a task; should the runtime be gone, the
        // task never runs and the connection is closed as it is dropped.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let mut conn = conn;
                if let Some(c) = conn.0.as_mut()
                    && c.run("ROLLBACK").await.is_ok()
                {
                    conn.settled();
                }
            });
        }
    }
}

/// A connection on which a transaction may be open: closed when dropped, unless [`Unsettled::settled`].
struct Unsettled(Option<Conn>);

impl Unsettled {
    /// Nothing is open on the connection any more: it goes back to the pool.
    fn settled(&mut self) {
        drop(self.0.take());
    }
}

impl Drop for Unsettled {
    fn drop(&mut self) {
        if let Some(mut conn) = self.0.take() {
            conn.close_on_drop();
        }
    }
}
