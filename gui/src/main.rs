//! The `grokflow` binary: the explorer, or a subcommand of `grokflow-cli`; in a browser,
//! the explorer on the page's canvas.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    use grokflow_cli::Cli;
    use std::process::ExitCode;

    let cli = Cli::parse();
    if let Err(refused) = grokflow_cli::check_environment() {
        return refused;
    }
    let Some(command) = cli.command else {
        return match grokflow::app::run_native(cli.explorer) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot open the explorer window: {e}");
                eprintln!(
                    "(it needs a display; for headless use try `grokflow run --preset fig1a-small`)"
                );
                ExitCode::FAILURE
            }
        };
    };
    grokflow_cli::execute(command)
}

#[cfg(target_arch = "wasm32")]
fn main() {
    grokflow::web::start();
}
