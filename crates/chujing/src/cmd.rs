//! One module per subcommand.

pub mod assess;
pub mod rules;
