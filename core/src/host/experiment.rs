//! Heap-backed experiments for desktop front ends, tests and benchmarks (std only).
//!
//! The buffers are chosen at run time from the configuration; the simulation itself is the
//! same allocation-free core the firmware runs.

use std::prelude::rust_2024::*;
use std::{fmt, format};

use crate::config::Config;
use crate::config::error::ConfigError;
use crate::data::task::{self, TaskData};
use crate::host::driver::{Driver, SnapshotSchedule};
use crate::host::file_data::DataFile;
use crate::host::reference::{self, Predictors, ReferenceError};
use crate::host::summary::Summary;
use crate::numbers::scalar::Scalar;
use crate::run::buffers::Layout;
use crate::run::metrics::{Metrics, References};
use crate::run::simulation::{Observer, Simulation};

/// Why an experiment could not be set up.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ExperimentError {
    /// A configuration value is out of range.
    Config(ConfigError),
    /// The buffers for these sizes do not fit in memory.
    OutOfMemory {
        /// Bytes that were requested.
        bytes: usize,
    },
    /// A data set from a file does not fit the configuration.
    Data(String),
}

impl fmt::Display for ExperimentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => e.fmt(f),
            Self::OutOfMemory { bytes } => write!(
                f,
                "d × (n + n_test) needs {:.1} GB, more than this machine can allocate",
                *bytes as f64 / 1e9
            ),
            Self::Data(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for ExperimentError {}

impl From<ConfigError> for ExperimentError {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

/// A configuration with its data and working memory on the heap.
#[derive(Debug)]
pub struct Experiment<S: Scalar> {
    config: Config,
    words: Vec<u64>,
    reals: Vec<f32>,
    work: Vec<S>,
    references: Option<Predictors>,
}

fn zeroed<T: Copy>(len: usize, zero: T) -> Result<Vec<T>, ExperimentError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| ExperimentError::OutOfMemory {
            bytes: len.saturating_mul(core::mem::size_of::<T>()),
        })?;
    v.resize(len, zero);
    Ok(v)
}

impl<S: Scalar> Experiment<S> {
    /// Validates `config`, allocates its buffers and generates the task data.
    pub fn new(config: &Config) -> Result<Self, ExperimentError> {
        let config = &config.with_derived_sizes();
        let layout = Layout::of(config)?;
        let mut words = zeroed(layout.words, 0u64)?;
        let mut reals = zeroed(layout.reals, 0f32)?;
        let work = zeroed(layout.work, S::ZERO)?;
        task::generate(config, &mut words, &mut reals)?;
        Ok(Self {
            config: *config,
            words,
            reals,
            work,
            references: None,
        })
    }

    /// An experiment on a data set from files: `template` gives the model, loss and
    /// optimiser; task, sizes and `d` come from the data. Without `test`, a seeded split
    /// keeps `round(train_fraction · n)` rows for training.
    pub fn from_data(
        template: &Config,
        train: &DataFile,
        test: Option<&DataFile>,
    ) -> Result<Self, ExperimentError> {
        if let Some(test) = test
            && test.d != train.d
        {
            return Err(ExperimentError::Data(format!(
                "the test data has {} features, the training data {}",
                test.d, train.d
            )));
        }
        if template.loss.is_margin() {
            for data in core::iter::once(train).chain(test) {
                data.check_sign_labels().map_err(ExperimentError::Data)?;
            }
        }
        let d = train.d;
        // Rows of the training and test sets, as (source file, row index).
        type Rows<'a> = Vec<(&'a DataFile, usize)>;
        let (train_rows, test_rows): (Rows<'_>, Rows<'_>) = match test {
            Some(test) => (
                (0..train.n).map(|i| (train, i)).collect(),
                (0..test.n).map(|i| (test, i)).collect(),
            ),
            None => {
                let mut order: Vec<usize> = (0..train.n).collect();
                let mut rng = crate::numbers::rng::Rng::new(
                    template.seed,
                    crate::numbers::rng::Stream::Split,
                );
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.below(i as u64 + 1) as usize);
                }
                let keep = (template.train_fraction * train.n as f64).round() as usize;
                let (a, b) = order.split_at(keep.min(order.len()));
                (
                    a.iter().map(|&i| (train, i)).collect(),
                    b.iter().map(|&i| (train, i)).collect(),
                )
            }
        };
        if train_rows.is_empty() || test_rows.is_empty() {
            return Err(ExperimentError::Data(format!(
                "splitting {} rows with train_fraction = {} leaves an empty training or test set",
                train.n, template.train_fraction
            )));
        }
        let config = Config {
            task: crate::config::Task::File,
            d,
            n: train_rows.len(),
            n_test: test_rows.len(),
            ..*template
        };
        let layout = Layout::of(&config)?;
        let words = zeroed(layout.words, 0u64)?;
        let mut reals = zeroed(layout.reals, 0f32)?;
        // reals = w* (unknown: zeros) | train y | test y | train X | test X
        let mut cursor = d;
        for rows in [&train_rows, &test_rows] {
            for &(source, i) in rows {
                if let (Some(slot), Some(&y)) = (reals.get_mut(cursor), source.y.get(i)) {
                    *slot = y;
                }
                cursor += 1;
            }
        }
        for rows in [&train_rows, &test_rows] {
            for &(source, i) in rows {
                let row = source.x.get(i * d..(i + 1) * d).unwrap_or_default();
                if let Some(slots) = reals.get_mut(cursor..cursor + d) {
                    slots.copy_from_slice(row);
                }
                cursor += d;
            }
        }
        let work = zeroed(layout.work, S::ZERO)?;
        Ok(Self {
            config,
            words,
            reals,
            work,
            references: None,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The generated data.
    pub fn data(&self) -> TaskData<'_> {
        // The buffers were sized and filled for this configuration in `new`.
        match task::view(&self.config, &self.words, &self.reals) {
            Ok(data) => data,
            Err(e) => unreachable!("buffers sized by Layout::of: {e}"),
        }
    }

    /// Solves the kernel- and rich-regime reference predictors (see [`reference`](mod@crate::host::reference)), so that
    /// the runs report `cos_kernel` and `cos_rich`.
    pub fn compute_references(&mut self) -> Result<&Predictors, ReferenceError> {
        reference::applicable(&self.config)?;
        let train = self.data().train;
        let predictors = reference::for_task(&train, self.config.is_classification())?;
        Ok(self.references.insert(predictors))
    }

    /// The reference predictors, once computed.
    pub fn references(&self) -> Option<&Predictors> {
        self.references.as_ref()
    }

    /// A fresh simulation from `θ(0)` over this experiment's data (the buffers are reused,
    /// so every call restarts the run).
    pub fn simulation(&mut self) -> Result<Simulation<'_, S>, ConfigError> {
        let data = task::view(&self.config, &self.words, &self.reals)?;
        let references = match &self.references {
            Some(p) => References {
                kernel: Some(&p.kernel),
                rich: Some(&p.rich),
            },
            None => References::default(),
        };
        Simulation::new(&self.config, &data, references, &mut self.work)
    }

    /// Solves the reference predictors where the model has them and they fit, calling
    /// `announce` first (solving can take seconds). Says why not otherwise:
    /// [`ReferenceError::NotLinear`] and [`ReferenceError::TooLarge`] before any work, a
    /// solver's failure after it; the run then goes on without the cosines.
    pub fn prepare_references(&mut self, announce: impl FnOnce()) -> Result<(), ReferenceError> {
        reference::applicable(&self.config)?;
        announce();
        self.compute_references().map(|_| ())
    }

    /// Bytes of data and working memory `config` takes in format `S` (what [`Experiment::new`]
    /// allocates), for a front end that announces a long preparation.
    pub fn bytes_for(config: &Config) -> Result<usize, ConfigError> {
        Ok(Layout::of(&config.with_derived_sizes())?.bytes::<S>())
    }

    /// A driver for a fresh simulation from `θ(0)` (see [`Experiment::simulation`]).
    pub fn driver(&mut self, snapshots: SnapshotSchedule) -> Result<Driver<'_, S>, ConfigError> {
        Ok(Driver::new(self.simulation()?, snapshots))
    }

    /// Runs from `θ(0)` to the end and summarises. With the `parallel` feature the run
    /// happens on one of rayon's worker threads (see [`on_worker_thread`](crate::host::driver::on_worker_thread)).
    pub fn run<O: Observer + Send>(&mut self, observer: &mut O) -> Result<Summary, ConfigError> {
        let mut driver = self.driver(SnapshotSchedule::NEVER)?;
        driver.run(observer);
        Ok(driver.summary())
    }

    /// Runs to the end (or a divergence), collecting every record.
    pub fn run_collecting(&mut self) -> Result<(Summary, Vec<Metrics>), ConfigError> {
        let mut records = Vec::new();
        let summary = self.run(&mut |m: &Metrics| {
            records.push(*m);
            core::ops::ControlFlow::Continue(())
        })?;
        Ok((summary, records))
    }
}

/// Runs `config` in format `S` with references when they fit, collecting every record:
/// the shortest path from a configuration to a trajectory (tests, benchmarks, scripts).
pub fn trajectory<S: Scalar>(
    config: &Config,
    with_references: bool,
) -> Result<(Summary, Vec<Metrics>), ExperimentError> {
    let mut experiment = Experiment::<S>::new(config)?;
    if with_references {
        // Too large or infeasible problems simply run without the cosines.
        let _ = experiment.compute_references();
    }
    Ok(experiment.run_collecting()?)
}
