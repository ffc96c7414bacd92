//! Work that releases the GIL and still stops on Ctrl-C.
//!
//! Python's SIGINT handler only sets a flag; Python code sees `KeyboardInterrupt` when the
//! thread holding the GIL next checks it. So the work runs on its own thread while this one,
//! the caller's, waits without the GIL and checks for signals every [`POLL`]: on Ctrl-C it
//! sets the work's stop flag (runs stop between steps), waits for it, and raises.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// How often the waiting thread takes the GIL back to look for a signal.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work` without the GIL; `KeyboardInterrupt` (or whatever a signal handler raised)
/// once a signal arrives, after `work` has seen `stop` and returned.
pub fn run_interruptible<T: Send>(
    py: Python<'_>,
    stop: &AtomicBool,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    // Whether the work has returned, and its wake-up call.
    let finished = (Mutex::new(false), Condvar::new());
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let result = work();
            let (done, wake) = &finished;
            *done.lock().unwrap_or_else(|e| e.into_inner()) = true;
            wake.notify_all();
            result
        });
        loop {
            let done = py.detach(|| {
                let (done, wake) = &finished;
                let done = done.lock().unwrap_or_else(|e| e.into_inner());
                let (done, _) = wake
                    .wait_timeout_while(done, POLL, |done| !*done)
                    .unwrap_or_else(|e| e.into_inner());
                *done
            });
            if done {
                break;
            }
            if let Err(signal) = py.check_signals() {
                stop.store(true, Ordering::Relaxed);
                let _ = py.detach(|| worker.join());
                return Err(signal);
            }
        }
        py.detach(|| worker.join()).map_err(|_| {
            PyRuntimeError::new_err("grokflow's run panicked (a bug: please report it)")
        })
    })
}
