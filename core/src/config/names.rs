//! Named choices in files and JSON (feature `std`): each is written as its `name()` and read
//! back through `from_name`, so a name exists once, where the choice is defined.

use std::format;
use std::prelude::rust_2024::*;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::config::choices::{Activation, Integrator, Loss, Task, Truth};
use crate::numbers::precision::Precision;

macro_rules! by_name {
    ($($choice:ty => $what:literal),* $(,)?) => {$(
        impl Serialize for $choice {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $choice {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = String::deserialize(deserializer)?;
                Self::from_name(&name).ok_or_else(|| {
                    let known: Vec<&str> = Self::ALL.iter().map(|c| c.name()).collect();
                    D::Error::custom(format!(
                        "unknown {} {name:?}; choose one of {}",
                        $what,
                        known.join(", ")
                    ))
                })
            }
        }
    )*};
}

by_name! {
    Task => "task",
    Integrator => "integrator",
    Truth => "truth",
    Activation => "activation",
    Loss => "loss",
    Precision => "precision",
}
