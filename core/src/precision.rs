//! The number formats a run can be asked for by name.

/// A number format the dynamics can run in (each is a [`Scalar`](crate::Scalar)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Precision {
    /// IEEE single precision (the paper's).
    #[default]
    F32,
    /// IEEE double precision (the reference).
    F64,
}

impl Precision {
    /// Every format, in menu order.
    pub const ALL: [Precision; 2] = [Precision::F32, Precision::F64];

    /// The name used on the command line and in files (the `Scalar::NAME`).
    pub const fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        }
    }

    /// Inverse of [`Precision::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}
