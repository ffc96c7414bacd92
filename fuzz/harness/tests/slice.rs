//! The CI slice of the fuzzing: every corpus input of every target, then a bounded number of
//! seeded mutations of them (bit flips, boundary bytes, insertions, deletions, splices).
//!
//! `GROKFLOW_FUZZ_CASES` sets the mutations per target (default 2000). Coverage-guided
//! fuzzing proper is `cargo +nightly fuzz run <target>` in `fuzz/`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use grokflow_core::{Rng, Stream};
use grokflow_fuzz::{TARGETS, Target};

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .collect();
    inputs.sort();
    inputs
        .iter()
        .map(|path| std::fs::read(path).expect("corpus file"))
        .collect()
}

/// Bytes that often sit on a parser's decision boundaries.
const BOUNDARY: [u8; 12] = [
    0, 1, 0x7f, 0x80, 0xff, b'0', b'9', b'-', b'.', b',', b'\n', b'"',
];

fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = input.to_vec();
    let below = |rng: &mut Rng, n: usize| rng.below(n.max(1) as u64) as usize;
    for _ in 0..=below(rng, 4) {
        let at = below(rng, bytes.len());
        match rng.below(6) {
            0 if !bytes.is_empty() => bytes[at] ^= 1 << rng.below(8),
            1 if !bytes.is_empty() => bytes[at] = BOUNDARY[below(rng, BOUNDARY.len())],
            2 => {
                let count = 1 + below(rng, 8);
                let fresh: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
                bytes.splice(at..at, fresh);
            }
            3 if !bytes.is_empty() => {
                let end = (at + 1 + below(rng, 16)).min(bytes.len());
                bytes.drain(at..end);
            }
            4 if !bytes.is_empty() => {
                let end = (at + 1 + below(rng, 16)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = below(rng, bytes.len());
                bytes.splice(to..to, copy);
            }
            _ => {
                let from = below(rng, other.len());
                bytes.truncate(at);
                bytes.extend_from_slice(&other[from.min(other.len())..]);
            }
        }
    }
    bytes
}

/// Runs one input; a broken promise saves the input for `cargo fuzz run <target> <file>`.
fn check(name: &str, target: Target, input: &[u8]) {
    let outcome = std::panic::catch_unwind(|| target(input));
    if outcome.is_err() {
        let dir = std::env::temp_dir().join("grokflow-fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        // Named by content, so the same failure keeps one file.
        let mut hasher = DefaultHasher::new();
        input.hash(&mut hasher);
        let path = dir.join(format!("{name}-{:016x}", hasher.finish()));
        let _ = std::fs::write(&path, input);
        panic!(
            "{name}: a promise broke on the input saved at {}",
            path.display()
        );
    }
}

#[test]
fn corpus_and_seeded_mutations_keep_every_promise() {
    let cases: usize = std::env::var("GROKFLOW_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    for (index, (name, target)) in TARGETS.into_iter().enumerate() {
        let inputs = corpus(name);
        assert!(!inputs.is_empty(), "{name}: empty corpus");
        for input in &inputs {
            check(name, target, input);
        }
        let mut rng = Rng::new(index as u64, Stream::Train);
        for _ in 0..cases {
            let input = &inputs[rng.below(inputs.len() as u64) as usize];
            let other = &inputs[rng.below(inputs.len() as u64) as usize];
            check(name, target, &mutate(input, other, &mut rng));
        }
    }
}
