//! The crates read bottom-up. The core:  each layer folder of `core/src` uses only the layers below it,
//! and no two of its modules use each other (directly or round a longer loop). The front
//! ends (`cli`, `gui`, `python`): no two modules use each other either.
//!
//! Dependencies are read from the source text: every `crate::…` path outside comments and
//! unit tests. A path through a layer's re-exports (`crate::data::Dataset`) counts as a use
//! of that layer; a path to a module (`crate::data::bits`) as a use of that module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom-up (`lib.rs` declares them in this order).
const LAYERS: [&str; 8] = [
    "numbers",
    "config",
    "data",
    "models",
    "objective",
    "integrators",
    "run",
    "host",
];

/// `crate/src` of a workspace member.
fn src_of(member: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(member)
        .join("src")
}

/// Every module of the library below `root` (module path → code without comments and unit
/// tests; `""` for `lib.rs`); binaries (`main.rs`) are crates of their own and left out.
fn modules_below(root: &Path) -> BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files
        .iter()
        .filter(|path| !path.ends_with("main.rs"))
        .map(|path| {
            let relative = path.strip_prefix(root).expect("below the root");
            let text = std::fs::read_to_string(path).expect("source");
            (module_of(relative), code(&text))
        })
        .collect()
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `data/bits.rs` → `data::bits`, `data.rs` → `data`.
fn module_of(relative: &Path) -> String {
    let text = relative
        .with_extension("")
        .to_string_lossy()
        .replace('/', "::");
    if text == "lib" { String::new() } else { text }
}

/// The code of a file without comments and without its unit tests.
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            // Unit tests may reach anywhere; they sit at the end of a file, or are a
            // test-only module declared on the next line.
            if text.contains(&format!("{line}\nmod tests")) {
                break;
            }
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" // ").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

/// The `crate::a::b` paths in `code`, as segment lists (braced groups expanded one level).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let mut segments: Vec<String> = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if rest[end..].starts_with('{') {
            let close = rest[end..].find('}').map_or(rest.len(), |c| end + c);
            for item in rest[end + 1..close].split(',') {
                let head = item.trim().split("::").next().unwrap_or("").trim();
                if !head.is_empty() {
                    let mut path = segments.clone();
                    path.push(head.to_owned());
                    paths.push(path);
                }
            }
        } else if !segments.is_empty() {
            paths.push(std::mem::take(&mut segments));
        }
    }
    paths
}

/// Items re-exported at the crate root, with the layer they come from.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for block in lib.split("pub use ").skip(1) {
        let block = &block[..block.find(';').unwrap_or(block.len())];
        let (layer, items) = block.split_once("::").unwrap_or((block, ""));
        let items = items.trim_matches(|c| c == '{' || c == '}');
        for item in items.split(',') {
            let item = item.trim();
            if !item.is_empty() {
                exports.insert(item.to_owned(), layer.trim().to_owned());
            }
        }
    }
    exports
}

/// Every use of a higher layer, and the first import cycle found, in `modules` (module path
/// → code, `""` for `lib.rs`).
fn problems(modules: &BTreeMap<String, String>) -> Vec<String> {
    let exports = root_exports(modules.get("").map_or("", String::as_str));
    let layer_index = |module: &str| {
        let first = module.split("::").next().unwrap_or("");
        LAYERS.iter().position(|l| *l == first)
    };
    let mut problems = Vec::new();
    let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in modules {
        let Some(own) = layer_index(module) else {
            continue; // lib.rs only declares and re-exports
        };
        for path in crate_paths(code) {
            // The longest prefix of the path that is a module of ours, else a root re-export.
            let target = (1..=path.len())
                .rev()
                .map(|k| path[..k].join("::"))
                .find(|m| modules.contains_key(m))
                .or_else(|| exports.get(&path[0]).cloned());
            let Some(target) = target else {
                problems.push(format!(
                    "{module}: cannot resolve crate::{}",
                    path.join("::")
                ));
                continue;
            };
            let Some(used) = layer_index(&target) else {
                continue;
            };
            if used > own {
                problems.push(format!(
                    "{module} (layer {}) uses {target} (layer {})",
                    LAYERS[own], LAYERS[used]
                ));
            }
            if target != *module && target.contains("::") {
                edges.entry(module).or_default().insert(target);
            }
        }
    }
    if let Some(cycle) = first_cycle(&edges) {
        problems.push(format!("import cycle: {}", cycle.join(" → ")));
    }
    problems
}

/// The first import cycle among `edges` (module → modules it uses), by depth-first search
/// with the current path on a stack.
fn first_cycle<K: AsRef<str> + Ord>(edges: &BTreeMap<K, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit<'a, K: AsRef<str> + Ord>(
        node: &'a str,
        edges: &'a BTreeMap<K, BTreeSet<String>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| *n == node) {
            return Some(stack[at..].iter().map(|s| s.to_string()).collect());
        }
        if !done.insert(node) {
            return None;
        }
        stack.push(node);
        let next = edges
            .iter()
            .find(|(k, _)| k.as_ref() == node)
            .map(|(_, v)| v);
        for next in next.into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node.as_ref(), edges, &mut Vec::new(), &mut done))
}

/// The first import cycle among the modules of a crate without layers (a front end): an
/// edge from each file's module to every other module its `crate::` paths reach, directly or
/// through a re-export at the crate root.
fn front_end_cycle(modules: &BTreeMap<String, String>) -> Option<Vec<String>> {
    let exports = root_exports(modules.get("").map_or("", String::as_str));
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in modules.iter().filter(|(m, _)| !m.is_empty()) {
        for path in crate_paths(code) {
            let target = if modules.contains_key(&path[0]) {
                Some(path[0].clone())
            } else {
                exports.get(&path[0]).cloned()
            };
            if let Some(target) = target.filter(|t| t != module && !t.is_empty()) {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    first_cycle(&edges)
}

#[test]
fn layers_use_only_the_layers_below_and_modules_form_no_cycle() {
    let modules = modules_below(&src_of("core"));
    for layer in LAYERS {
        assert!(
            modules.contains_key(layer),
            "core/src/{layer}.rs is missing"
        );
    }
    assert!(modules.len() > 40, "only {} modules read", modules.len());
    let problems = problems(&modules);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_checker_finds_an_upward_use_and_a_cycle() {
    let modules: BTreeMap<String, String> = [
        ("", "pub use run::{Simulation};"),
        ("numbers", ""),
        ("numbers::a", "use crate::numbers::b::B;"),
        ("numbers::b", "use crate::numbers::{a::A, c};"),
        ("numbers::c", ""),
        ("data", ""),
        ("data::task", "fn f() -> crate::Simulation {}"),
        ("run", ""),
        ("run::loop", "use crate::data::task;"),
    ]
    .into_iter()
    .map(|(m, c)| (m.to_owned(), code(c)))
    .collect();
    assert_eq!(
        problems(&modules),
        vec![
            "data::task (layer data) uses run (layer run)".to_owned(),
            "import cycle: numbers::a → numbers::b".to_owned(),
        ]
    );
    assert_eq!(
        code("use crate::a;\n// crate::b\n#[cfg(test)]\nmod tests {\n use crate::c;\n}\n"),
        "use crate::a;\n"
    );
}

#[test]
fn the_front_ends_modules_form_no_cycle() {
    for member in ["cli", "gui", "python"] {
        let modules = modules_below(&src_of(member));
        assert!(
            modules.len() > 3,
            "{member}: only {} modules read",
            modules.len()
        );
        if let Some(cycle) = front_end_cycle(&modules) {
            panic!("{member}/src: import cycle {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_front_end_checker_finds_a_cycle_through_a_re_export() {
    let modules = |extra: &str| -> BTreeMap<String, String> {
        [
            ("", "pub use app::App;"),
            ("app", "use crate::link::parse;"),
            ("link", extra),
            ("worker", "use crate::App;"),
        ]
        .into_iter()
        .map(|(m, c)| (m.to_owned(), code(c)))
        .collect()
    };
    assert_eq!(front_end_cycle(&modules("")), None);
    assert_eq!(
        front_end_cycle(&modules("fn f(_: crate::App) {}")),
        Some(vec!["app".to_owned(), "link".to_owned()])
    );
    assert_eq!(
        front_end_cycle(&modules("use crate::worker;")),
        Some(vec![
            "app".to_owned(),
            "link".to_owned(),
            "worker".to_owned()
        ])
    );
}
