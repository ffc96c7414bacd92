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
        return match open_window(cli.explorer) {
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

/// Opens the explorer window as the explorer flags of `grokflow` ask.
#[cfg(not(target_arch = "wasm32"))]
fn open_window(start: grokflow_cli::ExplorerArgs) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1440.0, 900.0])
            .with_title("grokflow"),
        renderer: eframe::Renderer::Glow,
        // A screenshot run must not read or overwrite the user's saved settings.
        persist_window: start.screenshot.is_none(),
        ..Default::default()
    };
    eframe::run_native(
        "grokflow",
        options,
        Box::new(move |cc| Ok(Box::new(grokflow::app::ExplorerApp::new(cc, start)))),
    )
}

#[cfg(target_arch = "wasm32")]
fn main() {
    grokflow::web::start(|cc, query| Box::new(grokflow::app::ExplorerApp::from_link(cc, query)));
}
