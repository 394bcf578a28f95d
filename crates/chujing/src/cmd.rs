//! One module per subcommand.

pub mod assess;
pub mod contract;
pub mod demo;
pub mod engine;
pub mod filing;
pub mod flow;
pub mod ledger;
pub mod package;
pub mod report;
pub mod rules;
pub mod scan;
pub mod serve;
