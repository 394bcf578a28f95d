//! Integration tests of the `chujing` binary: one test binary, topics as modules.

mod assess;
mod rules;
mod util;
