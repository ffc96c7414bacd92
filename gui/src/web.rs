//! The explorer in a browser: the page it starts on, its URL, downloads and uploads, and
//! the element through which the page (and the browser test) reads the app's state.
//!
//! `index.html` (in `gui/web/`) holds a `<canvas id="grokflow_canvas">` and a hidden
//! `<pre id="grokflow-state">`; everything else is the same app as on the desktop.

use std::sync::mpsc::{self, Receiver};

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, Document, HtmlAnchorElement, HtmlCanvasElement, Url};

/// The canvas the app draws on.
const CANVAS: &str = "grokflow_canvas";
/// The element that shows the app's state to the page (see [`publish`]).
const STATE: &str = "grokflow-state";
/// The element that says "loading" until the first frame, and why if the app cannot start.
const LOADING: &str = "loading";

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// Starts the app `make` builds from the page's URL query (see [`crate::link`]) on the
/// page's canvas.
pub fn start(
    make: impl FnOnce(&eframe::CreationContext<'_>, &str) -> Box<dyn eframe::App> + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let Some(document) = document() else { return };
        let Some(canvas) = document
            .get_element_by_id(CANVAS)
            .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
        else {
            return say_on_page(&format!("the page has no <canvas id=\"{CANVAS}\">"));
        };
        let query = query();
        let started = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(move |cc| Ok(make(cc, &query))),
            )
            .await;
        match started {
            Ok(()) => {
                if let Some(loading) = document.get_element_by_id(LOADING) {
                    loading.remove();
                }
            }
            Err(e) => say_on_page(&format!("the explorer could not start: {e:?}")),
        }
    });
}

fn say_on_page(text: &str) {
    if let Some(loading) = document().and_then(|d| d.get_element_by_id(LOADING)) {
        loading.set_text_content(Some(text));
    }
}

/// The query of the page's URL, with its `?` (empty without one).
pub fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Puts `query` (without `?`) in the address bar without reloading, so that copying the
/// address copies a link to what is on screen.
pub fn set_query(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ =
            history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}?{query}")));
    }
}

/// Shows the app's state to the page: `status` in the state element's `data-status`, `json`
/// as its text, and `title` as the tab's title. The first call (at the end of the first
/// frame) also writes `data-first-frame-ms`: milliseconds from the start of the page's
/// navigation, the start-up time the README reports.
pub fn publish(status: &str, json: &str, title: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    document.set_title(title);
    if let Some(element) = document.get_element_by_id(STATE) {
        if !element.has_attribute("data-first-frame-ms")
            && let Some(performance) = window.performance()
        {
            let _ = element.set_attribute("data-first-frame-ms", &performance.now().to_string());
        }
        let _ = element.set_attribute("data-status", status);
        element.set_text_content(Some(json));
    }
}

/// Offers `bytes` to the user as a download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |e: JsValue| format!("cannot download {name}: {e:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let anchor = document()
        .ok_or("the page has no document")?
        .create_element("a")
        .map_err(fail)?
        .dyn_into::<HtmlAnchorElement>()
        .map_err(|_| format!("cannot download {name}: no anchor element"))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The click has handed the blob to the download; the URL is not needed any more.
    let _ = Url::revoke_object_url(&url);
    Ok(())
}

/// Asks the user for a file (of the types in `accept`, e.g. ".json"); its name and text
/// arrive on the receiver, after which `wake` is called. A cancelled choice sends nothing.
pub fn pick_text_file(
    accept: &str,
    wake: impl Fn() + 'static,
) -> Receiver<Result<(String, String), String>> {
    let (tx, rx) = mpsc::channel();
    let input = document()
        .and_then(|d| d.create_element("input").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    let Some(input) = input else {
        let _ = tx.send(Err("this page cannot open a file chooser".to_owned()));
        return rx;
    };
    input.set_type("file");
    input.set_accept(accept);
    let chosen = input.clone();
    let on_change = wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
        let Some(file) = chosen.files().and_then(|files| files.get(0)) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .ok_or_else(|| format!("cannot read {name} as text"));
            let _ = tx.send(text.map(|t| (name, t)));
            wake();
        });
    });
    input.set_onchange(Some(on_change.unchecked_ref()));
    input.click();
    rx
}
