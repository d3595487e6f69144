#![no_main]

use std::sync::OnceLock;

use annals_fuzz::QueryFixture;
use libfuzzer_sys::fuzz_target;

/// Built once per process: a temp repository of four documents and its search index.
static FIXTURE: OnceLock<QueryFixture> = OnceLock::new();

fuzz_target!(|data: &[u8]| annals_fuzz::query(FIXTURE.get_or_init(QueryFixture::new), data));
