//! End-to-end tests: the real `pipeline` binary on fixtures in `tests/data/`
//! (never on ../shared data). One module per theme.

mod util;

mod bad_input;
mod cli;
mod entities;
mod quotes;
mod segment;
mod sinks;
mod streaming;
