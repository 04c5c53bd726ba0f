//! One benchmark run, for `scripts/bench`: checks one stateright model with
//! one engine and prints one JSON line (distinct and generated states, check
//! seconds, and for bivalent the store's bytes). One process per run, so the
//! script's peak-RSS figure is this run's.
//!
//! Usage: `peer-bench <workload> <engine> <threads>`
//! - workload: `2pc-<rms>`, `paxos-<clients>` (3 servers), `abd-<clients>` (the
//!   linearizable register, 2 servers), `raft-<depth>`
//!   (stateright's example models; raft with 3 servers to a depth, as its
//!   example checks it)
//! - engine: `stateright-bfs`, `stateright-dfs`, `bivalent-bfs`, `bivalent-dfs`

/// The allocator of the bivalent binary (the facade's default), so that
/// both engines here run on the one the bundled binary uses.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Debug;
use std::hash::Hash;
use std::process::ExitCode;
use std::time::Instant;

use checker::Strategy;
use stateright::actor::Network;
use stateright::{Checker, Model};
use stateright_adapter::examples::linearizable_register::AbdModelCfg;
use stateright_adapter::examples::paxos::PaxosModelCfg;
use stateright_adapter::examples::raft::RaftModelCfg;
use stateright_adapter::examples::two_phase_sys::TwoPhaseSys;
use stateright_adapter::Stateright;

fn run<SM>(model: SM, engine: &str, threads: usize, depth_max: Option<u32>) -> Result<String, String>
where
    SM: Model + Send + Sync + 'static,
    SM::State: Clone + PartialEq + Hash + Debug + Send + Sync,
    SM::Action: Clone + PartialEq + Debug + Send + Sync,
{
    let start = Instant::now();
    let (distinct, generated, store_bytes, depth, stopped) = match engine {
        "stateright-bfs" | "stateright-dfs" => {
            let mut builder = model.checker().threads(threads);
            if let Some(depth) = depth_max {
                builder = builder.target_max_depth(depth as usize);
            }
            let counts = |done: &dyn Checker<SM>| {
                (done.unique_state_count() as u64, done.state_count() as u64, None, done.max_depth() as u64, None)
            };
            if engine == "stateright-bfs" {
                counts(&builder.spawn_bfs().join())
            } else {
                counts(&builder.spawn_dfs().join())
            }
        }
        "bivalent-bfs" | "bivalent-dfs" => {
            let adapter = Stateright::new(model).map_err(|e| e.to_string())?;
            let strategy = if engine == "bivalent-bfs" { Strategy::Bfs } else { Strategy::Dfs };
            let mut config = adapter.config(strategy, threads);
            if let Some(depth) = depth_max {
                config.limits.depth_max = depth;
            }
            let outcome = checker::check(&adapter, &config).map_err(|e| e.to_string())?;
            let stats = outcome.stats;
            let stopped = outcome.stopped.map(|reason| format!("{reason:?}"));
            (stats.distinct_states, stats.generated_states, Some(stats.store_bytes), u64::from(stats.depth), stopped)
        }
        other => return Err(format!("unknown engine {other:?}")),
    };
    let seconds = start.elapsed().as_secs_f64();
    let json = serde_json::json!({
        "distinct_states": distinct,
        "generated_states": generated,
        "seconds": seconds,
        "store_bytes": store_bytes,
        "depth": depth,
        "stopped": stopped,
    });
    Ok(json.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, engine, threads] = args.as_slice() else {
        eprintln!("usage: peer-bench <2pc-N|paxos-N|abd-N|raft-DEPTH> <stateright-bfs|stateright-dfs|bivalent-bfs|bivalent-dfs> <threads>");
        return ExitCode::from(2);
    };
    let Some((family, size)) = workload.split_once('-') else {
        eprintln!("workload {workload:?} is not <family>-<size>");
        return ExitCode::from(2);
    };
    let (Ok(size), Ok(threads)) = (size.parse::<usize>(), threads.parse::<usize>()) else {
        eprintln!("size and threads must be numbers");
        return ExitCode::from(2);
    };
    let result = match family {
        "2pc" => run(TwoPhaseSys { rms: 0..size }, engine, threads, None),
        "paxos" => run(
            PaxosModelCfg { client_count: size, server_count: 3, network: Network::new_unordered_nonduplicating([]) }
                .into_model(),
            engine,
            threads,
            None,
        ),
        "abd" => run(
            AbdModelCfg { client_count: size, server_count: 2, network: Network::new_unordered_nonduplicating([]) }
                .into_model(),
            engine,
            threads,
            None,
        ),
        "raft" => run(
            RaftModelCfg { server_count: 3, network: Network::new_unordered_nonduplicating([]) }.into_model(),
            engine,
            threads,
            Some(size as u32),
        ),
        other => Err(format!("unknown workload family {other:?}")),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
