//! The web pages in a real headless Chromium against the real server on a loopback port.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

/// The server tests' kit (the real router over a real store, a fixed clock), shared rather than copied.
#[path = "../../../chujing-server/tests/it/kit.rs"]
#[allow(dead_code, reason = "the browser tests use part of it")]
mod kit;

mod processor;
mod public;
mod walk;
