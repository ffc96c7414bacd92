//! Why a configuration or a set of buffers was refused.

use core::fmt;

use crate::config::bounds::Range;

/// A configuration value, or a caller-provided buffer, that cannot be used.
///
/// Every variant names the field, so a front end can put the message next to it.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A numeric field outside its allowed range (NaN is always outside).
    OutOfRange {
        /// Name of the field, as in [`Config`](crate::Config).
        field: &'static str,
        /// The value that was given.
        value: f64,
        /// The allowed values.
        allowed: Range,
    },
    /// Two fields that cannot be combined.
    Incompatible {
        /// Name of the field to change.
        field: &'static str,
        /// Why the combination is refused.
        reason: &'static str,
    },
    /// A caller-owned buffer whose length does not match the configuration.
    BufferLength {
        /// Which buffer.
        buffer: &'static str,
        /// The length the configuration needs.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
}

impl ConfigError {
    /// The name of the offending field or buffer.
    pub fn field(&self) -> &'static str {
        match self {
            Self::OutOfRange { field, .. } | Self::Incompatible { field, .. } => field,
            Self::BufferLength { buffer, .. } => buffer,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfRange {
                field,
                value,
                allowed,
            } => {
                write!(f, "{field} = {value} is out of range: allowed ")?;
                allowed.describe(field, f)
            }
            Self::Incompatible { field, reason } => write!(f, "{field}: {reason}"),
            Self::BufferLength {
                buffer,
                expected,
                actual,
            } => write!(
                f,
                "buffer {buffer} has length {actual}, the configuration needs {expected}"
            ),
        }
    }
}

impl core::error::Error for ConfigError {}

/// Checks that a caller-owned buffer has the length the configuration needs.
pub(crate) fn check_len(
    buffer: &'static str,
    expected: usize,
    actual: usize,
) -> Result<(), ConfigError> {
    if expected == actual {
        Ok(())
    } else {
        Err(ConfigError::BufferLength {
            buffer,
            expected,
            actual,
        })
    }
}

/// Checks that `value` lies in `allowed`.
pub(crate) fn check(field: &'static str, value: f64, allowed: Range) -> Result<(), ConfigError> {
    if allowed.contains(value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            value,
            allowed,
        })
    }
}
