//! Integration tests of the server: one binary, topics as modules.
