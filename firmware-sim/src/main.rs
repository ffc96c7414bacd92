//! Host side of firmware-sim: prints the trace of the firmware experiment as the host
//! computes it (the reference the emulated boards are compared against).

use std::process::ExitCode;

use firmware_sim::{CONFIG, Storage, run};

fn main() -> ExitCode {
    let mut storage = Box::new(Storage::<f32>::new());
    println!(
        "# host trace: sparse-cls d={} n={} n_test={} α={} λ={} f32; {} B of static storage",
        CONFIG.d,
        CONFIG.n,
        CONFIG.n_test,
        CONFIG.alpha,
        CONFIG.lambda,
        std::mem::size_of_val(&*storage)
    );
    println!("# step t train_loss test_loss test_acc params_fnv1a (bits in hex)");
    match run(&mut storage, |line| println!("{line}")) {
        Ok(status) => {
            eprintln!("{status:?}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
