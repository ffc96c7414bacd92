//! Data files (`grokflow run --data`): CSV, `.npz`, and `.npy` pairs.

use grokflow_core::experiment::Experiment;
use grokflow_core::file_data::{DataFile, DataFormat};
use grokflow_core::{Config, FIG1A_SMALL, Integrator, SPARSE_REG_SMALL};

/// The first byte picks the format (for `.npy`, two more bytes give the length of the `X`
/// file, followed by the `y` file); the rest is the file. A parsed data set is consistent and finite, and a small one trains for a few
/// steps with finite records.
pub fn data_file(bytes: &[u8]) {
    let Some((&selector, rest)) = bytes.split_first() else {
        return;
    };
    let parsed = match selector % 3 {
        0 => DataFile::parse(DataFormat::Csv, rest, None),
        1 => DataFile::parse(DataFormat::Npz, rest, None),
        _ => {
            let Some((x_len, rest)) = rest.split_first_chunk::<2>() else {
                return;
            };
            let split = usize::from(u16::from_le_bytes(*x_len)).min(rest.len());
            let (x, y) = rest.split_at(split);
            DataFile::parse(DataFormat::Npy, x, Some(y))
        }
    };
    let data = match parsed {
        Ok(data) => data,
        Err(reason) => {
            assert!(!reason.is_empty());
            return;
        }
    };
    assert!(data.n > 0 && data.d > 0);
    assert_eq!(data.x.len(), data.n * data.d);
    assert_eq!(data.y.len(), data.n);
    assert!(data.x.iter().chain(&data.y).all(|v| v.is_finite()));
    if data.n * data.d > 4096 {
        return;
    }
    // Classification needs ±1 labels (refused with a message otherwise); regression takes any.
    let template = if data.y.iter().all(|&y| y == 1.0 || y == -1.0) {
        FIG1A_SMALL.config
    } else {
        SPARSE_REG_SMALL.config
    };
    let template = Config {
        integrator: Integrator::Gd,
        t_max: 1.0,
        ..template
    };
    match Experiment::<f32>::from_data(&template, &data, None) {
        Ok(mut experiment) => crate::run_bounded(&mut experiment, 50),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
