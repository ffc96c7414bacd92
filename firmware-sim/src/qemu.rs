//! `firmware-sim qemu`: build the firmware for each board, run it under QEMU, and compare
//! its trace bit for bit with the host's and with the checked-in snapshot.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use firmware_sim::{BOARDS, Board, RunEnd, TraceLine, run_in};
use grokflow_core::{Config, Layout, Scalar, WithScalar};
use object::{Object, ObjectSection};

/// The firmware crate (next to this one).
fn firmware_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("firmware")
}

/// Checked-in expected traces, one per firmware build.
fn snapshot_path(board: &Board) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("expected")
        .join(format!("{}.trace", board.feature))
}

/// What one board did.
pub struct Outcome {
    board: Board,
    steps: u64,
    t_grok: Option<f64>,
    bit_exact: Result<(), String>,
    snapshot: Result<(), String>,
    flash: u64,
    ram: u64,
    /// Instructions the run took, as the firmware read them under `-icount`.
    instructions: Option<u64>,
    /// Wall-clock seconds of QEMU.
    seconds: f64,
}

fn require_tools(board: &Board) -> Result<(), String> {
    let qemu = Command::new(board.emulator())
        .arg("--version")
        .stdout(Stdio::null())
        .status();
    if !qemu.is_ok_and(|s| s.success()) {
        return Err(format!(
            "{} not found: install it with `sudo apt-get install {}`",
            board.emulator(),
            board.emulator_package()
        ));
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == board.target)
    {
        return Err(format!(
            "the Rust target {0} is not installed: install it with `rustup target add {0}`",
            board.target
        ));
    }
    Ok(())
}

/// Builds the firmware for `board` and copies the ELF out to `<target_dir>/<feature>.elf`:
/// the boards of one target share cargo's output path, so a board that builds next would
/// overwrite it while this one is still being emulated.
fn build(board: &Board, target_dir: &Path) -> Result<PathBuf, String> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(firmware_dir().join("Cargo.toml"))
        .args([
            "--target",
            board.target,
            "--features",
            board.feature,
            "--target-dir",
        ])
        .arg(target_dir)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building the firmware for {} failed (`undefined symbol: grokflow_firmware_can_panic` \
             means a panic became reachable in the firmware; see firmware/src/main.rs)",
            board.target
        ));
    }
    let built = target_dir
        .join(board.target)
        .join("release")
        .join("grokflow-firmware");
    let elf = target_dir.join(format!("{}.elf", board.feature));
    std::fs::copy(&built, &elf).map_err(|e| format!("{}: {e}", built.display()))?;
    Ok(elf)
}

/// Flash (code, constants, initialised data) and static RAM (data, bss) of the ELF.
fn sizes(elf: &Path) -> Result<(u64, u64), String> {
    let bytes = std::fs::read(elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let file = object::File::parse(&*bytes).map_err(|e| format!("{}: {e}", elf.display()))?;
    let (mut flash, mut ram) = (0, 0);
    for section in file.sections() {
        match section.name().unwrap_or("") {
            // Cortex-M: vector table, code, constants; RISC-V: start-up code (`.init`),
            // trap entry and the unwind tables the target keeps.
            ".vector_table" | ".text" | ".rodata" | ".init" | ".init.rust" | ".trap"
            | ".trap.rust" | ".eh_frame" => flash += section.size(),
            ".data" => {
                flash += section.size();
                ram += section.size();
            }
            ".bss" | ".uninit" => ram += section.size(),
            _ => {}
        }
    }
    Ok((flash, ram))
}

/// Runs the ELF under QEMU with semihosting; the trace lines and the exit status.
fn emulate(board: &Board, elf: &Path, timeout: Duration) -> Result<Vec<String>, String> {
    let mut qemu = Command::new(board.emulator());
    // -icount shift=0: virtual time advances 1 ns per instruction, so the firmware's timer
    // reading counts instructions, deterministically.
    qemu.args([
        "-machine",
        board.machine,
        "-nographic",
        "-icount",
        "shift=0",
    ]);
    if board.is_riscv() {
        // No OpenSBI: the firmware itself starts at the reset address in machine mode.
        qemu.args(["-bios", "none"]);
    }
    let mut child = qemu
        .args(["-semihosting-config", "enable=on,target=native", "-kernel"])
        .arg(elf)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", board.emulator()))?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{} timed out after {} s (a wrong memory map or a stack overflow hangs silently)",
                board.machine,
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader.join().map_err(|_| "reader thread")?;
    if !status.success() {
        let last = text.lines().last().unwrap_or("");
        return Err(format!("the firmware exited with {status}: {last}"));
    }
    Ok(text.lines().map(str::to_owned).collect())
}

/// The host's run of the same experiment in the board's number format, with heap buffers:
/// its trace and how it ended.
fn host_run(board: &Board) -> Result<(Vec<TraceLine>, RunEnd), String> {
    struct HostRun(Config);
    impl WithScalar for HostRun {
        type Output = Result<(Vec<TraceLine>, RunEnd), String>;
        fn run<S: Scalar>(self) -> Self::Output {
            let layout = Layout::new(&self.0);
            let (mut words, mut reals) = (vec![0u64; layout.words], vec![0f32; layout.reals]);
            let mut work = vec![S::ZERO; layout.work];
            let mut lines = Vec::new();
            let end = run_in(&self.0, &mut words, &mut reals, &mut work, |l| {
                lines.push(*l)
            })
            .map_err(|e| e.to_string())?;
            Ok((lines, end))
        }
    }
    board.precision.with(HostRun(board.config))
}

/// The first difference between two traces, named by grid point and quantity.
pub fn first_difference(board: &[TraceLine], host: &[TraceLine]) -> Result<(), String> {
    for (i, (b, h)) in board.iter().zip(host).enumerate() {
        if b != h {
            let (name, bv, hv) = b
                .fields()
                .into_iter()
                .zip(h.fields())
                .find(|((_, x), (_, y))| x != y)
                .map(|((n, x), (_, y))| (n, x, y))
                .unwrap_or(("?", 0, 0));
            return Err(format!(
                "grid point {i} (step {}): {name} differs ({bv:016x} on the board, {hv:016x} on the host)",
                h.step
            ));
        }
    }
    if board.len() != host.len() {
        return Err(format!(
            "{} trace lines on the board, {} on the host",
            board.len(),
            host.len()
        ));
    }
    Ok(())
}

/// Builds (one board at a time, under `building`), emulates and compares one board.
fn run_board(
    board: &Board,
    target_dir: &Path,
    building: &Mutex<()>,
    timeout: Duration,
    overwrite: bool,
) -> Result<Outcome, String> {
    require_tools(board)?;
    let elf = {
        let _one_build = building.lock().map_err(|_| "a firmware build panicked")?;
        build(board, target_dir)?
    };
    let (flash, ram) = sizes(&elf)?;
    let start = Instant::now();
    let output = emulate(board, &elf, timeout)?;
    let seconds = start.elapsed().as_secs_f64();
    let trace: Vec<TraceLine> = output.iter().filter_map(|l| TraceLine::parse(l)).collect();
    let instructions = output
        .iter()
        .find_map(|l| l.strip_prefix("# instructions ")?.trim().parse().ok());
    let (host_trace, host_end) = host_run(board)?;
    let bit_exact = first_difference(&trace, &host_trace);
    let text: String = trace.iter().map(|l| format!("{l}\n")).collect();
    let path = snapshot_path(board);
    let snapshot = match std::fs::read_to_string(&path) {
        Ok(expected) if !overwrite => {
            let expected: Vec<TraceLine> = expected.lines().filter_map(TraceLine::parse).collect();
            first_difference(&trace, &expected)
                .map_err(|e| format!("against {}: {e}", path.display()))
        }
        _ => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(())
        }
    };
    Ok(Outcome {
        board: *board,
        steps: host_end.steps,
        t_grok: host_end.transitions.t_grok(),
        bit_exact,
        snapshot,
        flash,
        ram,
        instructions,
        seconds,
    })
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// The builds to run: the named ones (a build by its feature, or a target's builds that are
/// not on request), every build with `all`, and without either every build not on request.
/// A name that is neither a build nor a target is an error that lists them.
pub fn select(names: &[String], all: bool) -> Result<Vec<Board>, String> {
    // A build by its feature, or a target's builds.
    let names_board = |n: &String, b: &Board| *n == b.feature || *n == b.target;
    if let Some(unknown) = names
        .iter()
        .find(|n| !BOARDS.iter().any(|b| names_board(n, b)))
    {
        let mut known: Vec<_> = BOARDS.iter().map(|b| b.feature).collect();
        for board in BOARDS {
            if !known.contains(&board.target) {
                known.push(board.target);
            }
        }
        return Err(format!(
            "no board `{unknown}`; known builds and targets: {}",
            known.join(", ")
        ));
    }
    let chosen = |b: &Board| {
        if all {
            true
        } else if names.is_empty() {
            !b.on_request
        } else {
            // A target stands for its builds that are not on request.
            names
                .iter()
                .any(|n| *n == b.feature || (names_board(n, b) && !b.on_request))
        }
    };
    Ok(BOARDS.into_iter().filter(chosen).collect())
}

/// Runs `boards` and prints the table; an error when a board is missing its tools, differs
/// from the host, or differs from its snapshot.
pub fn run(boards: &[Board], timeout: Duration, overwrite: bool) -> Result<(), String> {
    let target_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/firmware");
    let mut failures = Vec::new();
    println!(
        "| build | board | problem | steps | t_grok | instructions/step | bit-exact | snapshot | flash | RAM (static) | QEMU |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    // QEMU emulates a board on one core: as many boards at once as there are cores. Builds
    // take turns (cargo's lock would serialise them anyway); a board's QEMU run overlaps
    // the next one's build.
    let lanes = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(boards.len());
    let next = AtomicUsize::new(0);
    let building = Mutex::new(());
    let results: Vec<Mutex<Option<Result<Outcome, String>>>> =
        boards.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..lanes {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(board), Some(slot)) = (boards.get(index), results.get(index)) else {
                        return;
                    };
                    eprintln!(
                        "{} ({}): building and running on {}…",
                        board.target, board.feature, board.machine
                    );
                    let outcome = run_board(board, &target_dir, &building, timeout, overwrite)
                        .map_err(|e| format!("{}: {e}", board.feature));
                    if let Ok(o) = &outcome {
                        eprintln!("{}: emulated in {:.1} s", board.feature, o.seconds);
                    }
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    // The table in board order, whichever finished first.
    for (board, result) in boards.iter().zip(results) {
        let result = result.into_inner().ok().flatten();
        let o = result.ok_or_else(|| format!("{}: its run did not finish", board.feature))??;
        let c = &o.board.config;
        let per_step = o
            .instructions
            .filter(|_| o.steps > 0)
            .map_or("—".to_owned(), |i| {
                format!("{:.2} M", i as f64 / o.steps as f64 / 1e6)
            });
        println!(
            "| `{}` | {} | {} d={} n={} n_test={} | {} | {} | {per_step} | {} | {} | {} / {} | {} / {} | {:.1} s |",
            o.board.feature,
            o.board.description,
            o.board.config.task.name(),
            c.d,
            c.n,
            c.n_test,
            o.steps,
            o.t_grok.map_or("—".to_owned(), |t| format!("{t:.1}")),
            if o.bit_exact.is_ok() { "yes" } else { "NO" },
            if o.snapshot.is_ok() {
                "matches"
            } else {
                "DIFFERS"
            },
            kib(o.flash),
            kib(o.board.flash as u64),
            kib(o.ram),
            kib(o.board.ram as u64),
            o.seconds
        );
        for e in [o.bit_exact.err(), o.snapshot.err()].into_iter().flatten() {
            failures.push(format!("{}: {e}", o.board.feature));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_difference_is_named_by_grid_point_and_quantity() {
        let (host, _) = host_run(&firmware_sim::MICROBIT).expect("valid");
        assert_eq!(first_difference(&host, &host), Ok(()));
        let mut board = host.clone();
        board[7].test_loss ^= 1;
        board[9].params ^= 1;
        let err = first_difference(&board, &host).expect_err("differs");
        assert!(
            err.starts_with("grid point 7") && err.contains("test_loss"),
            "{err}"
        );
        let err = first_difference(&host[..5], &host).expect_err("shorter");
        assert!(err.contains("5 trace lines on the board"), "{err}");
    }

    fn features(boards: &[Board]) -> Vec<&'static str> {
        boards.iter().map(|b| b.feature).collect()
    }

    #[test]
    fn builds_on_request_run_only_when_named_or_with_all() {
        let default = select(&[], false).expect("boards");
        assert!(!features(&default).contains(&"lm3s6965-mlp"));
        assert!(features(&default).contains(&"an386-mlp"));
        assert_eq!(select(&[], true).expect("boards").len(), BOARDS.len());
        let named = |names: &[&str]| {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            select(&names, false).map(|b| features(&b))
        };
        assert_eq!(named(&["lm3s6965-mlp"]), Ok(vec!["lm3s6965-mlp"]));
        assert_eq!(
            named(&["thumbv7m-none-eabi"]),
            Ok(vec!["lm3s6965", "lm3s6965-bf16-sr", "lm3s6965-mc"])
        );
        let err = named(&["lm3s6965", "esp32"]).expect_err("unknown");
        assert!(
            err.contains("`esp32`")
                && err.contains("lm3s6965-mlp")
                && err.contains("thumbv6m-none-eabi"),
            "{err}"
        );
    }
}
