//! Flags as the command line names them: a configuration field's flag, an error phrased in
//! terms of it, and the values that name a preset. Every front end that speaks in flags (the
//! explorer's links, Python's keywords, a shard file's header) goes through here.

use grokflow_core::{ConfigError, PRESETS, Preset, preset};

/// A field's flag without the dashes: `n_test` → `n-test`.
pub fn flag_name(field: &str) -> String {
    field.replace('_', "-")
}

/// The field a flag names: `n-test` → `n_test` (the inverse of [`flag_name`]).
pub fn field_name(flag: &str) -> String {
    flag.replace('-', "_")
}

/// A configuration error phrased in terms of the command-line flag.
pub fn flag_error(e: &ConfigError) -> String {
    format!("invalid --{}: {e}", flag_name(e.field()))
}

/// The preset `--preset` names.
pub fn parse_preset(s: &str) -> Result<&'static Preset, String> {
    preset(s).ok_or_else(|| {
        let names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
        format!("unknown preset; choose one of {}", names.join(", "))
    })
}
