//! Integration tests of the server: one binary, topics as modules.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

mod accounts;
mod cross_org;
mod gate;
mod grant;
mod hardening;
mod http;
mod jurisdiction;
mod kit;
mod lists;
mod matrix;
mod oversight;
mod pages;
mod story;
