use std::process::ExitCode;

use clap::Parser;

// Parsing thousands of documents on every core allocates many small values; mimalloc
// keeps that from contending in the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(clippy::print_stderr)] // the one place errors reach the user
fn main() -> ExitCode {
    let cli = annals::cli::Cli::parse();
    match annals::cmd::run(cli) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) => {
            // A closed pipe (`annals list | head`) is not an error.
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
