//! The login limiter: failed sign-ins counted per client address *and* e-mail, and per address, in a window;
//! bounded in memory.
//!
//! Keyed by address and e-mail so that someone who knows a user's e-mail cannot lock that user out from
//! elsewhere: their failures count against their own address only. The per-address limit stops one address
//! from trying many e-mails. Both tables hold at most [`CAPACITY`] entries: when full, the entries whose
//! window has passed go first, then the one whose last failure is oldest, so that a flood of made-up e-mails
//! or addresses cannot exhaust the server's memory. What this does not stop (many addresses trying one
//! e-mail slowly) is in SECURITY.md.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// Failed sign-ins allowed per address and e-mail in [`WINDOW`].
pub const PER_ACCOUNT: usize = 5;
/// Failed sign-ins allowed per address, whatever the e-mail, in [`WINDOW`].
pub const PER_ADDRESS: usize = 50;
/// The window the failures are counted in.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// The most entries each table holds.
pub const CAPACITY: usize = 10_000;

/// Why a sign-in is refused before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Too many failures for this e-mail from this address.
    Account,
    /// Too many failures from this address.
    Address,
}

/// The failures of one key: the most recent, at most the limit's number.
#[derive(Debug, Default)]
struct Failures(Vec<Timestamp>);

impl Failures {
    fn recent_within(&mut self, now: Timestamp, window: SignedDuration) -> usize {
        self.0.retain(|t| now.duration_since(*t) < window);
        self.0.len()
    }

    fn last(&self) -> Option<Timestamp> {
        self.0.last().copied()
    }
}

/// A bounded table of failures by key.
#[derive(Debug)]
struct Table<K> {
    entries: HashMap<K, Failures>,
    limit: usize,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn new(limit: usize) -> Table<K> {
        Table {
            entries: HashMap::new(),
            limit,
        }
    }

    fn exceeded(&mut self, key: &K, now: Timestamp) -> bool {
        self.exceeded_within(key, now, WINDOW)
    }

    fn exceeded_within(&mut self, key: &K, now: Timestamp, window: SignedDuration) -> bool {
        self.entries
            .get_mut(key)
            .is_some_and(|f| f.recent_within(now, window) >= self.limit)
    }

    fn fail(&mut self, key: K, now: Timestamp) {
        self.fail_within(key, now, WINDOW);
    }

    fn fail_within(&mut self, key: K, now: Timestamp, window: SignedDuration) {
        if !self.entries.contains_key(&key) && self.entries.len() >= CAPACITY {
            self.make_room(now, window);
        }
        let limit = self.limit;
        let f = self.entries.entry(key).or_default();
        f.recent_within(now, window);
        f.0.push(now);
        // Only the last `limit` failures decide; older ones are not kept.
        if f.0.len() > limit {
            let excess = f.0.len() - limit;
            f.0.drain(..excess);
        }
    }

    fn make_room(&mut self, now: Timestamp, window: SignedDuration) {
        self.entries.retain(|_, f| f.recent_within(now, window) > 0);
        if self.entries.len() >= CAPACITY {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, f)| f.last())
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.entries.remove(&k);
            }
        }
    }
}

#[derive(Debug)]
struct Tables {
    accounts: Table<(IpAddr, String)>,
    addresses: Table<IpAddr>,
}

/// The limiter every sign-in goes through (the API's and the page's).
#[derive(Debug)]
pub struct LoginLimiter(Mutex<Tables>);

impl Default for LoginLimiter {
    fn default() -> LoginLimiter {
        LoginLimiter(Mutex::new(Tables {
            accounts: Table::new(PER_ACCOUNT),
            addresses: Table::new(PER_ADDRESS),
        }))
    }
}

/// The e-mail as the limiter keys it: trimmed, lower case.
fn account(email: &str) -> String {
    email.trim().to_lowercase()
}

impl LoginLimiter {
    /// Whether a sign-in from `addr` for `email` is refused now. A poisoned lock refuses (fails closed).
    pub fn check(&self, addr: IpAddr, email: &str, now: Timestamp) -> Result<(), Limited> {
        let Ok(mut t) = self.0.lock() else {
            return Err(Limited::Address);
        };
        if t.addresses.exceeded(&addr, now) {
            return Err(Limited::Address);
        }
        if t.accounts.exceeded(&(addr, account(email)), now) {
            return Err(Limited::Account);
        }
        Ok(())
    }

    /// Counts a failed sign-in.
    pub fn failed(&self, addr: IpAddr, email: &str, now: Timestamp) {
        if let Ok(mut t) = self.0.lock() {
            t.accounts.fail((addr, account(email)), now);
            t.addresses.fail(addr, now);
        }
    }

    /// Forgets the failures for an e-mail from an address after it signed in (the address's own count stays).
    pub fn succeeded(&self, addr: IpAddr, email: &str) {
        if let Ok(mut t) = self.0.lock() {
            t.accounts.entries.remove(&(addr, account(email)));
        }
    }

    /// How many keys the tables hold (address and e-mail pairs, addresses).
    pub fn len(&self) -> (usize, usize) {
        self.0
            .lock()
            .map(|t| (t.accounts.entries.len(), t.addresses.entries.len()))
            .unwrap_or_default()
    }

    /// Whether the tables are empty.
    pub fn is_empty(&self) -> bool {
        self.len() == (0, 0)
    }
}

/// How many anonymous writes (violation reports) the service takes in [`PublicLimits::window`]: from one
/// client address, and from all of them together. Anyone may report (Certification Measures 2026 Art. 15),
/// and no one may flood: a report is up to 10,000 characters, and 1,500 of them from one address in 25
/// seconds once grew the database by 49 MB and the regulator's page to 28 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLimits {
    /// From one address (an IPv6 client counts by its /64 network: one host holds many addresses).
    pub per_address: usize,
    /// From all addresses together.
    pub global: usize,
    /// The window they are counted in.
    pub window: SignedDuration,
}

impl Default for PublicLimits {
    /// 10 an hour from one address, 500 an hour in all.
    fn default() -> PublicLimits {
        PublicLimits {
            per_address: 10,
            global: 500,
            window: SignedDuration::from_hours(1),
        }
    }
}

/// Why an anonymous write is refused, and when the same client may send again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Whether this address reached its own limit (else the service its global one).
    pub by_address: bool,
    /// How long until one more is taken (at least one second).
    pub retry_after: SignedDuration,
}

/// The limiter every anonymous write goes through (the API's `POST /reports` and the report form), counted
/// by the client address [`crate::auth::ClientAddr`] gives (behind `--trusted-proxy`, the client's).
#[derive(Debug)]
pub struct PublicWriteLimiter {
    limits: PublicLimits,
    tables: Mutex<(Table<IpAddr>, Failures)>,
}

impl PublicWriteLimiter {
    /// A limiter with `limits`.
    pub fn new(limits: PublicLimits) -> PublicWriteLimiter {
        PublicWriteLimiter {
            limits,
            tables: Mutex::new((Table::new(limits.per_address), Failures::default())),
        }
    }

    /// Counts one write from `addr` at `now`, or refuses it (counting nothing) with when to send again. A
    /// poisoned lock refuses (fails closed).
    pub fn admit(&self, addr: IpAddr, now: Timestamp) -> Result<(), Refused> {
        let window = self.limits.window;
        let key = network(addr);
        let wait = |oldest: Option<Timestamp>| {
            let left = oldest.map_or(window, |t| window - now.duration_since(t));
            left.max(SignedDuration::from_secs(1))
        };
        let Ok(mut guard) = self.tables.lock() else {
            return Err(Refused {
                by_address: false,
                retry_after: window,
            });
        };
        let (addresses, all) = &mut *guard;
        if addresses.exceeded_within(&key, now, window) {
            let oldest = addresses
                .entries
                .get(&key)
                .and_then(|f| f.0.first().copied());
            return Err(Refused {
                by_address: true,
                retry_after: wait(oldest),
            });
        }
        if all.recent_within(now, window) >= self.limits.global {
            return Err(Refused {
                by_address: false,
                retry_after: wait(all.0.first().copied()),
            });
        }
        addresses.fail_within(key, now, window);
        all.0.push(now);
        let excess = all.0.len().saturating_sub(self.limits.global);
        all.0.drain(..excess);
        Ok(())
    }

    /// The limits it applies.
    pub fn limits(&self) -> PublicLimits {
        self.limits
    }
}

/// The key an address is counted under: an IPv4 address itself (an IPv4-mapped IPv6 one as IPv4), an IPv6
/// address by its /64 network.
fn network(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> Timestamp {
        "2026-11-23T02:00:00Z".parse().unwrap()
    }

    fn ip(n: u32) -> IpAddr {
        IpAddr::from(n.to_be_bytes())
    }

    #[test]
    fn an_attacker_elsewhere_cannot_lock_the_user_out() {
        let l = LoginLimiter::default();
        for _ in 0..PER_ACCOUNT * 3 {
            l.failed(ip(1), "user@example.cn", t0());
        }
        assert_eq!(
            l.check(ip(1), "User@Example.cn ", t0()),
            Err(Limited::Account)
        );
        assert_eq!(l.check(ip(2), "user@example.cn", t0()), Ok(()));
    }

    #[test]
    fn one_address_trying_many_emails_is_stopped() {
        let l = LoginLimiter::default();
        for i in 0..PER_ADDRESS {
            assert_eq!(l.check(ip(9), &format!("u{i}@x.cn"), t0()), Ok(()));
            l.failed(ip(9), &format!("u{i}@x.cn"), t0());
        }
        assert_eq!(l.check(ip(9), "new@x.cn", t0()), Err(Limited::Address));
        assert_eq!(l.check(ip(10), "new@x.cn", t0()), Ok(()));
    }

    #[test]
    fn the_window_passes() {
        let l = LoginLimiter::default();
        for _ in 0..PER_ACCOUNT {
            l.failed(ip(1), "a@x.cn", t0());
        }
        assert!(l.check(ip(1), "a@x.cn", t0()).is_err());
        let later = t0() + WINDOW;
        assert_eq!(l.check(ip(1), "a@x.cn", later), Ok(()));
    }

    #[test]
    fn success_forgets_the_accounts_failures() {
        let l = LoginLimiter::default();
        for _ in 0..PER_ACCOUNT - 1 {
            l.failed(ip(1), "a@x.cn", t0());
        }
        l.succeeded(ip(1), "a@x.cn");
        l.failed(ip(1), "a@x.cn", t0());
        assert_eq!(l.check(ip(1), "a@x.cn", t0()), Ok(()));
    }

    #[test]
    fn a_flood_of_addresses_and_emails_stays_bounded() {
        let l = LoginLimiter::default();
        for i in 0..(CAPACITY as u32 * 2) {
            l.failed(ip(i), &format!("u{i}@x.cn"), t0());
        }
        let (accounts, addresses) = l.len();
        assert!(accounts <= CAPACITY && addresses <= CAPACITY);
    }

    proptest! {
        /// Whatever the failures before, the limit of one address never refuses another address's sign-in
        /// for an e-mail it has not failed for itself.
        #[test]
        fn failures_from_one_address_never_refuse_another(
            emails in proptest::collection::vec("[a-c]@x\\.cn", 0..40),
        ) {
            let l = LoginLimiter::default();
            for e in &emails {
                l.failed(ip(1), e, t0());
            }
            for e in &emails {
                prop_assert_eq!(l.check(ip(2), e, t0()), Ok(()));
            }
        }
    }

    #[test]
    fn one_address_is_held_to_its_limit_and_told_when_to_send_again() {
        let l = PublicWriteLimiter::new(PublicLimits::default());
        for _ in 0..10 {
            assert_eq!(l.admit(ip(1), t0()), Ok(()));
        }
        let refused = l.admit(ip(1), t0() + SignedDuration::from_mins(10));
        assert_eq!(
            refused,
            Err(Refused {
                by_address: true,
                retry_after: SignedDuration::from_mins(50)
            })
        );
        // Another address is not held by it; the first is taken again once the hour has passed.
        assert_eq!(l.admit(ip(2), t0()), Ok(()));
        assert_eq!(l.admit(ip(1), t0() + SignedDuration::from_hours(1)), Ok(()));
    }

    #[test]
    fn an_ipv6_host_counts_as_its_network_and_many_addresses_meet_the_global_limit() {
        let l = PublicWriteLimiter::new(PublicLimits {
            per_address: 2,
            global: 5,
            window: SignedDuration::from_hours(1),
        });
        let v6 =
            |last: u16| IpAddr::from(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, last));
        assert_eq!(l.admit(v6(1), t0()), Ok(()));
        assert_eq!(l.admit(v6(2), t0()), Ok(()));
        assert!(
            l.admit(v6(3), t0()).is_err_and(|r| r.by_address),
            "the same /64"
        );
        for n in 10..13 {
            assert_eq!(l.admit(ip(n), t0()), Ok(()));
        }
        assert!(
            l.admit(ip(99), t0()).is_err_and(|r| !r.by_address),
            "the service's limit"
        );
    }
}
