//! Saved experiment files (`grokflow run --config`, the explorer's Open).

use grokflow_core::experiment_file::ExperimentSpec;

/// Any text loads to a valid experiment that saves back to itself, or is refused with a
/// message.
pub fn experiment_file(bytes: &[u8]) {
    let Ok(text) = core::str::from_utf8(bytes) else {
        return;
    };
    match ExperimentSpec::from_json(text) {
        Ok(spec) => {
            assert_eq!(spec.config.validate(), Ok(()), "loaded an invalid config");
            assert_eq!(ExperimentSpec::from_json(&spec.to_json()), Ok(spec));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
