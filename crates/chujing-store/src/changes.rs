//! The database's change number, and how recently this process read it.
//!
//! Every write transaction through the store adds one to `audit_head.changes` in the same transaction, so a
//! view computed at one change number is current for as long as the number stands still. Reading the number
//! costs a round trip; a busy service asks for it at most once per *staleness bound* ([`Store::with_staleness`])
//! and otherwise reuses the last answer — unless this process has committed since that read began, in which case
//! it asks again. A process therefore always sees its own writes, and sees other processes' writes at most the
//! bound late. The bound is zero unless set: every call is answered by a read begun after it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::Row;

use crate::{Store, StoreError};

tokio::task_local! {
    /// When the request being served arrived (see [`during_request`]).
    static ARRIVED: Instant;
}

/// Runs `work` as one request that arrives now: every [`Store::recent_changes`] it makes may be answered by a
/// read of the change number begun after it arrived (or within the staleness bound before), so that the
/// several views one request looks up cost one read between them, and every change committed before the
/// request arrived is seen.
pub async fn during_request<F: Future>(work: F) -> F::Output {
    ARRIVED.scope(Instant::now(), work).await
}

/// What this process knows of the change number without asking.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    /// Commits made through this process's stores; each one makes the reads begun before it stale.
    commits: AtomicU64,
    /// The last read: the change number, the commits counted when the read began, and when it began.
    last: Mutex<Option<LastRead>>,
    /// One read at a time: callers that find the last read too old queue here, and each takes the read
    /// that the one before it made if that read began late enough for it — under load, one query serves
    /// every caller that arrived before it began.
    reading: tokio::sync::Mutex<()>,
}

#[derive(Debug, Clone, Copy)]
struct LastRead {
    changes: i64,
    commits: u64,
    at: Instant,
}

/// A call's arrival: what a read must be at least as new as to answer it.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    commits: u64,
    at: Instant,
}

impl Watch {
    /// Notes a commit made by this process.
    pub(crate) fn committed(&self) {
        self.commits.fetch_add(1, Ordering::AcqRel);
    }

    /// Now, or when the request being served arrived; with the commits made so far, the request's own
    /// included.
    fn arrival(&self) -> Arrival {
        Arrival {
            commits: self.commits.load(Ordering::Acquire),
            at: ARRIVED
                .try_with(|at| *at)
                .unwrap_or_else(|_| Instant::now()),
        }
    }

    /// The last read, if it began after every commit this process made before `arrival` and at most `bound`
    /// before it.
    fn recent(&self, arrival: Arrival, bound: Duration) -> Option<i64> {
        let last = (*self.last.lock().ok()?)?;
        let in_time = last.at >= arrival.at.checked_sub(bound).unwrap_or(arrival.at);
        (last.commits >= arrival.commits && in_time).then_some(last.changes)
    }

    fn remember(&self, read: LastRead) {
        if let Ok(mut last) = self.last.lock() {
            // Of two reads that overlapped, the one that began later wins.
            if last.is_none_or(|l| l.at <= read.at) {
                *last = Some(read);
            }
        }
    }
}

impl Store {
    /// Lets [`Store::recent_changes`] answer from a read begun at most `bound` before the call (zero: always
    /// ask).
    pub fn with_staleness(mut self, bound: Duration) -> Store {
        self.staleness = bound;
        self
    }

    /// The database's change number, read now.
    pub async fn changes(&self) -> Result<i64, StoreError> {
        Ok(
            on_pool!(self, pool => sqlx::query("SELECT changes FROM audit_head WHERE id = 1")
            .fetch_one(pool)
            .await?
            .try_get("changes")?),
        )
    }

    /// The change number as read at most the staleness bound before this call, and after this process's
    /// last commit before it: a cached view keyed by it is current for this process's writes, and at most the
    /// bound behind other processes'. With a zero bound only a read begun after the call answers it — still
    /// one read for every caller that arrived before it began.
    pub async fn recent_changes(&self) -> Result<i64, StoreError> {
        let arrival = self.watch.arrival();
        if let Some(n) = self.watch.recent(arrival, self.staleness) {
            return Ok(n);
        }
        let _turn = self.watch.reading.lock().await;
        if let Some(n) = self.watch.recent(arrival, self.staleness) {
            return Ok(n);
        }
        let (commits, at) = (self.watch.commits.load(Ordering::Acquire), Instant::now());
        let changes = self.changes().await?;
        self.watch.remember(LastRead {
            changes,
            commits,
            at,
        });
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(w: &Watch, changes: i64, at: Instant) {
        w.remember(LastRead {
            changes,
            commits: w.commits.load(Ordering::Acquire),
            at,
        });
    }

    #[test]
    fn a_commit_makes_the_last_read_stale() {
        let w = Watch::default();
        read(&w, 7, Instant::now());
        assert_eq!(w.recent(w.arrival(), Duration::from_secs(60)), Some(7));
        w.committed();
        assert_eq!(w.recent(w.arrival(), Duration::from_secs(60)), None);
    }

    #[test]
    fn a_read_begun_before_the_bound_is_not_reused() {
        let w = Watch::default();
        let arrival = w.arrival();
        read(&w, 7, arrival.at - Duration::from_millis(5));
        assert_eq!(w.recent(arrival, Duration::from_millis(1)), None);
        assert_eq!(w.recent(arrival, Duration::from_millis(10)), Some(7));
    }

    #[test]
    fn a_read_begun_after_the_call_answers_it() {
        let w = Watch::default();
        let arrival = w.arrival();
        w.committed();
        read(&w, 8, arrival.at + Duration::from_millis(1));
        assert_eq!(w.recent(arrival, Duration::from_nanos(1)), Some(8));
    }

    #[test]
    fn of_overlapping_reads_the_later_one_stays() {
        let w = Watch::default();
        let early = Instant::now();
        read(&w, 8, early + Duration::from_millis(1));
        read(&w, 7, early);
        assert_eq!(w.recent(w.arrival(), Duration::from_secs(60)), Some(8));
    }
}
