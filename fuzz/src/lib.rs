//! The bodies of annals' fuzz targets, in `checks.rs` so the regression tests
//! (`tests/integration/fuzz_regressions.rs`) can include the very same code.

mod checks;

pub use checks::*;
