//! One module per subcommand.

pub mod assess;
pub mod flow;
pub mod ledger;
pub mod rules;
