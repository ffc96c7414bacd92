//! Background work, written once as an async task: on the desktop it runs to its end on its
//! own thread; in a browser, which has one thread for the page, it runs between frames and
//! gives the page back at every [`Slices::next`] and [`sleep`].

use std::future::Future;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use web_time::{Duration, Instant};

/// Longest stretch of background work between two looks at its controls. In a browser the
/// page draws between slices, so they are shorter there.
const SLICE: Duration = Duration::from_millis(if cfg!(target_arch = "wasm32") { 12 } else { 25 });

/// A task started by [`spawn`]; [`BackgroundTask::result`] holds what it returned.
pub struct BackgroundTask<T> {
    result: Receiver<T>,
    outcome: Outcome<T>,
    #[cfg(not(target_arch = "wasm32"))]
    thread: Option<std::thread::JoinHandle<()>>,
}

enum Outcome<T> {
    Running,
    Returned(T),
    /// Its thread could not start, or it panicked.
    Lost,
}

/// Starts the future that `make` builds: on a thread named `name` on the desktop (so the
/// future itself need not be `Send`), as a task of the page in a browser.
pub fn spawn<T, F>(name: &str, make: impl FnOnce() -> F + Send + 'static) -> BackgroundTask<T>
where
    T: Send + 'static,
    F: Future<Output = T> + 'static,
{
    let (tx, result) = mpsc::channel();
    #[cfg(not(target_arch = "wasm32"))]
    {
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let _ = tx.send(pollster::block_on(make()));
            })
            .ok();
        BackgroundTask {
            result,
            outcome: Outcome::Running,
            thread,
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = name;
        wasm_bindgen_futures::spawn_local(async move {
            let _ = tx.send(make().await);
        });
        BackgroundTask {
            result,
            outcome: Outcome::Running,
        }
    }
}

impl<T> BackgroundTask<T> {
    fn check(&mut self) {
        if matches!(self.outcome, Outcome::Running) {
            match self.result.try_recv() {
                Ok(value) => self.outcome = Outcome::Returned(value),
                Err(TryRecvError::Disconnected) => self.outcome = Outcome::Lost,
                Err(TryRecvError::Empty) => {}
            }
        }
    }

    /// What the task returned, once it has.
    pub fn result(&mut self) -> Option<&T> {
        self.check();
        match &self.outcome {
            Outcome::Returned(value) => Some(value),
            Outcome::Running | Outcome::Lost => None,
        }
    }

    /// True until the task has ended.
    pub fn is_running(&mut self) -> bool {
        self.check();
        matches!(self.outcome, Outcome::Running)
    }
}

impl<T> Drop for BackgroundTask<T> {
    /// Waits for the thread on the desktop (the owner has asked the task to stop first); a
    /// browser task ends by itself at its next check.
    fn drop(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The longest slice [`Slices`] grants, so that the page still answers within a quarter
/// of a second.
const MAX_SLICE: Duration = Duration::from_millis(250);

/// The slices of a long piece of work. Between two slices a browser draws its frames on the
/// same thread; a slice lasts at least [`SLICE`] and at least as long as the page took
/// between the last two, so the work keeps half of the thread however slowly the page draws
/// (software WebGL takes tens of milliseconds a frame). On the desktop every slice is
/// [`SLICE`].
#[derive(Debug)]
pub struct Slices {
    started: Instant,
    length: Duration,
}

impl Default for Slices {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            length: SLICE,
        }
    }
}

impl Slices {
    /// True once the current slice has used its time.
    pub fn is_over(&self) -> bool {
        self.started.elapsed() >= self.length
    }

    /// Ends the slice: lets the page draw (in a browser) and starts the next one.
    pub async fn next(&mut self) {
        let yielded = Instant::now();
        #[cfg(target_arch = "wasm32")]
        sleep(Duration::ZERO).await;
        self.length = yielded.elapsed().clamp(SLICE, MAX_SLICE);
        self.started = Instant::now();
    }
}

/// Waits `duration`: the thread sleeps on the desktop, the page goes on in a browser.
pub async fn sleep(duration: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    std::thread::sleep(duration);
    #[cfg(target_arch = "wasm32")]
    {
        let ms = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}
