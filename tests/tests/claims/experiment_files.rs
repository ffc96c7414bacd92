//! Saved experiments from every format version still load; newer, corrupt or invalid files
//! are refused with a message that says what is wrong.
//!
//! `tests/data/experiments/v<N>/` holds files as version N of grokflow wrote them (each
//! preset, in a mix of number formats, and a minimal file that lists only what differs);
//! when the format changes, the old directory stays and a new one is added.
//! `tests/data/experiments/refused/` holds files that must not load.

use std::path::{Path, PathBuf};

use grokflow_core::experiment_file::{ExperimentFileError, ExperimentSpec, VERSION};
use grokflow_core::{FIG1A_SMALL, Precision};

fn data(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/experiments")
        .join(dir)
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("directory")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&path).expect("text"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn files_of_every_version_load() {
    let mut loaded = 0;
    for version in 1..=VERSION {
        for (name, text) in files(&data(&format!("v{version}"))) {
            let spec = ExperimentSpec::from_json(&text)
                .unwrap_or_else(|e| panic!("v{version}/{name}: {e}"));
            assert_eq!(spec.config.validate(), Ok(()), "v{version}/{name}");
            // A full file of the current version is exactly what this build writes.
            if version == VERSION && name != "minimal.json" {
                assert_eq!(spec.to_json() + "\n", text, "v{version}/{name}");
            }
            loaded += 1;
        }
    }
    assert!(loaded >= 12, "{loaded} files");
}

/// Fields a file leaves out take the `fig1a-small` defaults.
#[test]
fn a_minimal_file_fills_in_the_defaults() {
    let text = std::fs::read_to_string(data("v1").join("minimal.json")).expect("file");
    let spec = ExperimentSpec::from_json(&text).expect("loads");
    assert_eq!(spec.precision, Precision::Bf16Sr);
    let expected = grokflow_core::Config {
        alpha: 64.0,
        lambda: 0.002,
        seed: 11,
        ..FIG1A_SMALL.config
    };
    assert_eq!(spec.config, expected);
}

#[test]
fn newer_corrupt_and_invalid_files_are_refused_with_the_reason() {
    // File → the words its message must contain.
    let expected: [(&str, &[&str]); 9] = [
        ("misspelt-field.json", &["alhpa"]),
        ("newer-version.json", &["version 2", "update grokflow"]),
        ("not-json.json", &["not a grokflow experiment file"]),
        ("other-format.json", &["\"format\"", "grokflow-experiment"]),
        ("out-of-range.json", &["lambda", ">= 0"]),
        ("truncated.json", &["not a grokflow experiment file", "EOF"]),
        ("unknown-name.json", &["precision", "f12"]),
        ("version-zero.json", &["\"version\"", "1 or more"]),
        ("wrong-type.json", &["two thousand"]),
    ];
    let found = files(&data("refused"));
    assert_eq!(
        found.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        expected.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "every refused file has an expected message"
    );
    for ((name, text), (_, words)) in found.iter().zip(expected) {
        let error = ExperimentSpec::from_json(text).expect_err(name);
        let message = error.to_string();
        for word in words {
            assert!(message.contains(word), "{name}: {message:?} lacks {word:?}");
        }
        if name == "newer-version.json" {
            assert_eq!(error, ExperimentFileError::NewerVersion { found: 2 });
        }
    }
}
