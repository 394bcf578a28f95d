//! Integration tests of the law crate: one binary, topics as modules.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

mod certification;
mod decide;
mod form;
mod network_data;
mod obligations;
mod properties;
mod readings;
mod statements;
mod totals;
