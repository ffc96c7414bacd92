//! Data sets from files (std only): `.npy` / `.npz` with arrays `X` (n × d) and `y` (n),
//! and CSV with a header row holding a `y` column and the feature columns.
//!
//! `.npy` parsing is `npyz`'s; an `.npz` is a zip archive of `.npy` members, opened with the
//! `zip` crate (deflate only, pure Rust). Everything is checked before a run sees it: shapes,
//! finiteness, emptiness; the message names the file and what is wrong, and nothing panics.

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::{format, vec};

/// A data set read from a file: `n` rows of `d` features (row-major) and `n` labels.
#[derive(Clone, Debug, PartialEq)]
pub struct DataFile {
    /// Features, row-major, `n × d`.
    pub x: Vec<f32>,
    /// Labels or targets.
    pub y: Vec<f32>,
    /// Number of rows.
    pub n: usize,
    /// Number of features.
    pub d: usize,
}

/// Why a data file was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum DataFileError {
    /// The file could not be read.
    Io {
        /// Which file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The file was read but its content is not a usable data set.
    Invalid {
        /// Which file.
        path: PathBuf,
        /// What is wrong, in words a user can act on.
        reason: String,
    },
}

impl fmt::Display for DataFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Self::Invalid { path, reason } => write!(f, "{}: {reason}", path.display()),
        }
    }
}

impl std::error::Error for DataFileError {}

/// The formats [`DataFile::parse`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataFormat {
    /// CSV with a header row holding a `y` column.
    Csv,
    /// A zip archive with members `X.npy` and `y.npy`.
    Npz,
    /// One `.npy` array for `X`; `y` comes from a second file.
    Npy,
}

impl DataFile {
    /// Reads `path`, choosing the format by extension (`.npy`, `.npz`, `.csv`). For `.npy`,
    /// the file holds `X` and a sibling `<stem>_y.npy` (or `y.npy`) holds `y`.
    pub fn load(path: &Path) -> Result<Self, DataFileError> {
        let invalid = |path: &Path, reason: String| DataFileError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| DataFileError::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match extension.as_deref() {
            Some("csv") => DataFormat::Csv,
            Some("npz") => DataFormat::Npz,
            Some("npy") => DataFormat::Npy,
            _ => {
                return Err(invalid(
                    path,
                    "unknown format: use .npy, .npz or .csv".into(),
                ));
            }
        };
        let labels = match format {
            DataFormat::Npy => {
                let y_path = sibling_labels(path).ok_or_else(|| {
                    invalid(path, "an .npy file holds one array: put y next to it as <name>_y.npy or y.npy, or use .npz".into())
                })?;
                let bytes = read(&y_path)?;
                // Check y alone first, so that its problems name its file.
                read_npy(&bytes).map_err(|reason| invalid(&y_path, reason))?;
                Some(bytes)
            }
            _ => None,
        };
        Self::parse(format, &read(path)?, labels.as_deref()).map_err(|reason| invalid(path, reason))
    }

    /// Parses a file's bytes (for [`DataFormat::Npy`], `labels` holds the bytes of the `y`
    /// array's file). Any input gives a data set or a reason; nothing panics, and declared
    /// sizes are checked against the bytes present before anything is allocated.
    pub fn parse(format: DataFormat, bytes: &[u8], labels: Option<&[u8]>) -> Result<Self, String> {
        match format {
            DataFormat::Csv => read_csv(bytes),
            DataFormat::Npz => read_npz(bytes),
            DataFormat::Npy => {
                let labels = labels.ok_or("an .npy data set needs the y array as well")?;
                let (x, x_shape) = read_npy(bytes)?;
                let (y, y_shape) = read_npy(labels)?;
                assemble(x, &x_shape, y, &y_shape)
            }
        }
    }

    /// Checks that every label is ±1 (for the margin losses).
    pub fn check_sign_labels(&self) -> Result<(), String> {
        match self.y.iter().position(|&v| v != 1.0 && v != -1.0) {
            Some(i) => Err(format!(
                "labels must be ±1 for a classification loss; row {} has y = {}",
                i + 1,
                self.y.get(i).copied().unwrap_or(f32::NAN)
            )),
            None => Ok(()),
        }
    }
}

/// The most an `.npz` member may unpack to (a small archive can claim gigabytes).
const MAX_MEMBER_BYTES: u64 = 4 << 30;

fn sibling_labels(x_path: &Path) -> Option<PathBuf> {
    let stem = x_path.file_stem()?.to_str()?;
    let dir = x_path.parent().unwrap_or_else(|| Path::new("."));
    let named = dir.join(format!("{stem}_y.npy"));
    let plain = dir.join("y.npy");
    [named, plain].into_iter().find(|p| p.exists())
}

/// Values and shape of one `.npy` file, converted to f64 from any float or integer dtype.
fn read_npy(bytes: &[u8]) -> Result<(Vec<f64>, Vec<u64>), String> {
    // npyz multiplies the shape unchecked (an overflow panic in debug builds, a wrapped count
    // in release), so a shape the file cannot hold is refused before npyz reads it; this
    // also bounds what decoding allocates to 8 bytes per byte of file.
    match declared_elements(bytes) {
        Some(count) if count <= bytes.len() as u64 => {}
        _ => {
            return Err(format!(
                "not an .npy array, or its header declares more data than the file's {} bytes",
                bytes.len()
            ));
        }
    }
    let npy = npyz::NpyFile::new(bytes).map_err(|e| format!("not an .npy array: {e}"))?;
    let shape = npy.shape().to_vec();
    let fortran = npy.order() == npyz::Order::Fortran;
    let dtype = npy.dtype();
    let type_str = match &dtype {
        npyz::DType::Plain(ts) => ts.to_string(),
        other => return Err(format!("unsupported dtype {}", other.descr())),
    };
    let kind_and_size = (
        type_str.chars().nth(1),
        type_str.get(2..).and_then(|s| s.parse::<u32>().ok()),
    );
    let bad = |e: io::Error| format!("cannot decode the {type_str} data: {e}");
    let mut values: Vec<f64> = match kind_and_size {
        (Some('f'), Some(8)) => npy.into_vec::<f64>().map_err(bad)?,
        (Some('f'), Some(4)) => npy
            .into_vec::<f32>()
            .map_err(bad)?
            .into_iter()
            .map(f64::from)
            .collect(),
        (Some('i'), Some(8)) => npy
            .into_vec::<i64>()
            .map_err(bad)?
            .into_iter()
            .map(|v| v as f64)
            .collect(),
        (Some('i'), Some(4)) => npy
            .into_vec::<i32>()
            .map_err(bad)?
            .into_iter()
            .map(f64::from)
            .collect(),
        (Some('i'), Some(1)) => npy
            .into_vec::<i8>()
            .map_err(bad)?
            .into_iter()
            .map(f64::from)
            .collect(),
        _ => {
            return Err(format!(
                "unsupported dtype {type_str}: use float64, float32, int64, int32 or int8"
            ));
        }
    };
    if let (true, &[rows, cols]) = (fortran, shape.as_slice()) {
        let (rows, cols) = (rows as usize, cols as usize);
        let column_major = core::mem::take(&mut values);
        values = vec![0.0; column_major.len()];
        for (k, v) in column_major.into_iter().enumerate() {
            let (r, c) = (k % rows.max(1), k / rows.max(1));
            if let Some(slot) = values.get_mut(r * cols + c) {
                *slot = v;
            }
        }
    }
    Ok((values, shape))
}

/// The element count an `.npy` header declares (the product of its `shape` tuple), or None
/// when the header cannot be read or the product overflows.
fn declared_elements(bytes: &[u8]) -> Option<u64> {
    let rest = bytes.strip_prefix(b"\x93NUMPY")?;
    let (&major, rest) = rest.split_first()?;
    let rest = rest.get(1..)?;
    let (len, rest) = match major {
        1 => {
            let (len, rest) = rest.split_first_chunk::<2>()?;
            (usize::from(u16::from_le_bytes(*len)), rest)
        }
        _ => {
            let (len, rest) = rest.split_first_chunk::<4>()?;
            (usize::try_from(u32::from_le_bytes(*len)).ok()?, rest)
        }
    };
    let header = core::str::from_utf8(rest.get(..len)?).ok()?;
    let after_key = header.split_once("shape")?.1;
    let tuple = after_key.split_once('(')?.1.split_once(')')?.0;
    tuple
        .split(',')
        .map(|dim| dim.trim().trim_end_matches('L'))
        .filter(|dim| !dim.is_empty())
        .try_fold(1u64, |count, dim| count.checked_mul(dim.parse().ok()?))
}

fn read_npz(bytes: &[u8]) -> Result<DataFile, String> {
    let mut archive = zip::ZipArchive::new(io::Cursor::new(bytes))
        .map_err(|e| format!("not an .npz archive: {e}"))?;
    let mut member = |name: &str| -> Result<(Vec<f64>, Vec<u64>), String> {
        let entry = archive
            .by_name(&format!("{name}.npy"))
            .map_err(|_| format!("the archive has no array named {name}"))?;
        // The declared size is a claim too: read at most the limit and refuse more.
        let mut contents = Vec::new();
        entry
            .take(MAX_MEMBER_BYTES + 1)
            .read_to_end(&mut contents)
            .map_err(|e| format!("cannot unpack {name}.npy: {e}"))?;
        if contents.len() as u64 > MAX_MEMBER_BYTES {
            return Err(format!(
                "{name}.npy unpacks to more than {} MiB",
                MAX_MEMBER_BYTES >> 20
            ));
        }
        read_npy(&contents)
    };
    let (x, x_shape) = member("X")?;
    let (y, y_shape) = member("y")?;
    assemble(x, &x_shape, y, &y_shape)
}

/// Checks shapes and values and converts to the f32 storage of the core.
fn assemble(
    x: Vec<f64>,
    x_shape: &[u64],
    y: Vec<f64>,
    y_shape: &[u64],
) -> Result<DataFile, String> {
    let [n, d] = match *x_shape {
        [n, d] => [n as usize, d as usize],
        _ => {
            return Err(format!(
                "X must be 2-dimensional (n × d); its shape is {x_shape:?}"
            ));
        }
    };
    let n_y = match *y_shape {
        [n] => n as usize,
        [n, 1] => n as usize,
        _ => {
            return Err(format!(
                "y must be 1-dimensional (n); its shape is {y_shape:?}"
            ));
        }
    };
    if n == 0 || d == 0 {
        return Err(format!("the data set is empty (X has shape {x_shape:?})"));
    }
    if n != n_y {
        return Err(format!("X has {n} rows but y has {n_y} entries"));
    }
    to_data(&x, &y, n, d)
}

fn to_data(x: &[f64], y: &[f64], n: usize, d: usize) -> Result<DataFile, String> {
    let narrow = |v: f64, what: &str, row: usize, col: Option<usize>| -> Result<f32, String> {
        let f = v as f32;
        if f.is_finite() {
            Ok(f)
        } else {
            let at = col.map_or_else(
                || format!("row {}", row + 1),
                |c| format!("row {}, column {}", row + 1, c + 1),
            );
            Err(format!("{what} at {at} is {v}, not a finite f32"))
        }
    };
    let x = x
        .iter()
        .enumerate()
        .map(|(k, &v)| narrow(v, "X", k / d, Some(k % d)))
        .collect::<Result<Vec<_>, _>>()?;
    let y = y
        .iter()
        .enumerate()
        .map(|(i, &v)| narrow(v, "y", i, None))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DataFile { x, y, n, d })
}

fn read_csv(bytes: &[u8]) -> Result<DataFile, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .clone();
    let label_column = headers
        .iter()
        .position(|h| h == "y")
        .ok_or("the header row has no column named y")?;
    let d = headers.len() - 1;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", row + 1))?;
        if record.len() != headers.len() {
            return Err(format!(
                "row {} has {} fields, the header has {}",
                row + 1,
                record.len(),
                headers.len()
            ));
        }
        for (column, field) in record.iter().enumerate() {
            let value: f64 = field.parse().map_err(|_| {
                format!(
                    "row {}, column {} ({}): {field:?} is not a number",
                    row + 1,
                    column + 1,
                    headers.get(column).unwrap_or("?")
                )
            })?;
            if column == label_column {
                y.push(value);
            } else {
                x.push(value);
            }
        }
    }
    let n = y.len();
    if n == 0 || d == 0 {
        return Err("the data set is empty (no rows, or no feature columns)".into());
    }
    to_data(&x, &y, n, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, content: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("grokflow-file-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, content).expect("write");
        path
    }

    /// An `.npy` v1.0 file: magic, header length, the header dict padded to 64 bytes.
    fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
        let mut header =
            format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    #[test]
    fn npy_bytes_parse_and_declared_sizes_are_checked_before_allocating() {
        let x = npy("|i1", "(2, 3)", &[1, 255, 1, 255, 1, 1]);
        let y = npy(
            "<f8",
            "(2,)",
            &[1.0f64.to_le_bytes(), (-1.0f64).to_le_bytes()].concat(),
        );
        let data = DataFile::parse(DataFormat::Npy, &x, Some(&y)).expect("valid");
        assert_eq!((data.n, data.d), (2, 3));
        assert_eq!(data.x, [1.0, -1.0, 1.0, -1.0, 1.0, 1.0]);
        assert_eq!(data.y, [1.0, -1.0]);
        // 2⁸⁰ elements claimed in a file of a hundred bytes: refused, not allocated.
        let huge = npy("<f8", "(1099511627776, 1099511627776)", &[0; 16]);
        let err = DataFile::parse(DataFormat::Npy, &huge, Some(&y)).expect_err("too big");
        assert!(err.contains("declares more data"), "{err}");
        let short = npy("<f8", "(2, 3)", &[0; 40]);
        let err = DataFile::parse(DataFormat::Npy, &short, Some(&y)).expect_err("short");
        assert!(err.contains("cannot decode the <f8 data"), "{err}");
        let err = DataFile::parse(DataFormat::Npy, &x, None).expect_err("no y");
        assert!(err.contains("y array"), "{err}");
    }

    #[test]
    fn csv_round_trip_and_errors_name_the_problem() {
        let path = temp("ok.csv", b"a,y,b\n1.5,1,2\n-3,-1,0.25\n");
        let data = DataFile::load(&path).expect("valid");
        assert_eq!((data.n, data.d), (2, 2));
        assert_eq!(data.x, vec![1.5, 2.0, -3.0, 0.25]);
        assert_eq!(data.y, vec![1.0, -1.0]);
        assert!(data.check_sign_labels().is_ok());

        let cases: [(&str, &[u8], &str); 5] = [
            ("nolabel.csv", b"a,b\n1,2\n", "no column named y"),
            ("empty.csv", b"a,y\n", "empty"),
            ("text.csv", b"a,y\nhello,1\n", "row 1, column 1 (a)"),
            ("inf.csv", b"a,y\n1e999,1\n", "not a finite"),
            ("ragged.csv", b"a,y\n1,1,3\n", "row 1"),
        ];
        for (name, content, needle) in cases {
            let err = DataFile::load(&temp(name, content))
                .expect_err(name)
                .to_string();
            assert!(err.contains(needle) && err.contains(name), "{err}");
        }
        let data = DataFile::load(&temp("reg.csv", b"y,a\n0.5,1\n")).expect("valid");
        assert!(data.check_sign_labels().expect_err("0.5").contains("row 1"));
    }

    #[test]
    fn unknown_extension_and_missing_file_are_refused() {
        assert!(DataFile::load(Path::new("/nonexistent/data.csv")).is_err());
        let err = DataFile::load(&temp("data.txt", b""))
            .expect_err("txt")
            .to_string();
        assert!(err.contains(".npy, .npz or .csv"), "{err}");
    }
}
