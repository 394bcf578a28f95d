//! Integration tests of the `chujing` binary: one test binary, topics as modules.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

mod assess;
mod cluster;
mod contract;
mod demo;
mod faults;
mod ledger;
mod package;
mod proxy;
mod readme;
mod report;
mod rules;
mod scan;
mod serve;
mod util;
