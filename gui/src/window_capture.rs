//! The window as a PNG: the PNG button, and `grokflow --screenshot` (run to the end, capture,
//! close).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

use egui::ColorImage;
use grokflow_cli::files::png_bytes;
use web_time::{Duration, Instant};

use crate::user_files;

/// Frames drawn after the run has ended before a `--screenshot` is taken, so that the plots
/// show the final state.
const SETTLE_FRAMES: u32 = 5;
/// A `--screenshot` is taken after this long even if the run has not ended.
const SCREENSHOT_DEADLINE: Duration = Duration::from_secs(600);

/// A requested capture on its way from the renderer.
struct Pending {
    path: PathBuf,
    image: Receiver<Arc<ColorImage>>,
    close_after: bool,
}

/// `grokflow --screenshot`: waiting for the run to end.
struct ScreenshotJob {
    path: PathBuf,
    finished_frames: u32,
    deadline: Instant,
}

/// Captures of the window, requested and pending.
#[derive(Default)]
pub struct WindowCapture {
    pending: Option<Pending>,
    screenshot: Option<ScreenshotJob>,
}

impl WindowCapture {
    /// `grokflow --screenshot PATH`: capture into `path` once the run has ended (or after
    /// ten minutes), then close the window.
    pub fn screenshot_then_close(path: PathBuf) -> Self {
        Self {
            pending: None,
            screenshot: Some(ScreenshotJob {
                path,
                finished_frames: 0,
                deadline: Instant::now() + SCREENSHOT_DEADLINE,
            }),
        }
    }

    /// True while a `--screenshot` waits for its run.
    pub fn is_screenshot_run(&self) -> bool {
        self.screenshot.is_some()
    }

    /// Asks the renderer for the next frame and saves it as a PNG at `path`.
    pub fn request(&mut self, ctx: &egui::Context, path: PathBuf, close_after: bool) {
        let (tx, rx) = mpsc::channel();
        let wake = ctx.clone();
        ctx.request_screenshot(move |image| {
            let _ = tx.send(image);
            wake.request_repaint();
        });
        self.pending = Some(Pending {
            path,
            image: rx,
            close_after,
        });
    }

    /// Once a frame: saves a capture that has arrived (its message: what was written, or
    /// why not) and drives `--screenshot` on (`run_ended`: the run it waits for is over).
    pub fn poll(&mut self, ctx: &egui::Context, run_ended: bool) -> Option<Result<String, String>> {
        let mut saved = None;
        if let Some(pending) = &self.pending
            && let Ok(image) = pending.image.try_recv()
        {
            let (name, close) = (pending.path.display().to_string(), pending.close_after);
            self.pending = None;
            saved = Some(
                png_bytes(image.size, image.as_raw())
                    .and_then(|png| user_files::save(&name, "image/png", &png)),
            );
            if close {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
        if let Some(job) = &mut self.screenshot {
            if run_ended {
                job.finished_frames += 1;
            }
            if job.finished_frames == SETTLE_FRAMES || Instant::now() > job.deadline {
                let path = job.path.clone();
                self.screenshot = None;
                self.request(ctx, path, true);
            }
            ctx.request_repaint();
        }
        saved
    }
}
