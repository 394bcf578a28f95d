//! Integration tests of the law crate: one binary, topics as modules.

mod decide;
mod properties;
