//! The explorer's files: paths on disk on the desktop; in a browser, downloads and the
//! browser's file chooser (a page cannot name a path).

use std::sync::mpsc::Receiver;

/// The name and text of a file the user opened, or why it could not be read.
pub type Opened = Result<(String, String), String>;

/// Writes `bytes` (of MIME type `mime`) as `name`: to that path on the desktop, as a
/// download in a browser. Says what it did, for the status line.
pub fn save(name: &str, mime: &str, bytes: &[u8]) -> Result<String, String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = mime;
        grokflow_cli::files::write_atomically(std::path::Path::new(name), bytes)
            .map(|()| format!("Saved {name}"))
            .map_err(|e| format!("Cannot write {name}: {e}"))
    }
    #[cfg(target_arch = "wasm32")]
    crate::web::download(name, mime, bytes).map(|()| format!("Downloaded {name}"))
}

/// Reads a text file: the one at `path` on the desktop (at once), the one the user picks
/// (of the types in `accept`) in a browser, after which `wake` is called. A cancelled
/// choice sends nothing.
pub fn open_text(path: &str, accept: &str, wake: impl Fn() + 'static) -> Receiver<Opened> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (accept, wake);
        let (tx, rx) = std::sync::mpsc::channel();
        let read = std::fs::read_to_string(path)
            .map(|text| (path.to_owned(), text))
            .map_err(|e| format!("Cannot read {path}: {e}"));
        let _ = tx.send(read);
        rx
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = path;
        crate::web::pick_text_file(accept, wake)
    }
}
