//! annals' integration tests: one binary (autotests = false), one module per area.

mod common;

mod bad_input;
mod cli;
mod fix;
mod formats;
mod fuzz_regressions;
mod git;
mod hub;
mod layers;
mod lsp;
mod props;
mod readme;
mod rules;
mod search;
mod trust;
