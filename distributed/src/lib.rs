//! Breadth-first search over several processes: runs the checker's
//! [`Shard`](checker::shard::Shard)s on timely dataflow workers (threads of one or more processes
//! connected over TCP) and moves their messages.
//!
//! Each round of the search is a timely epoch: a worker sends the round's
//! messages into an input at the round's timestamp, the messages are
//! exchanged to the workers they are addressed to, and timely's progress
//! tracking says when every message of the round has arrived everywhere (the
//! probe passes the round). BFS levels, their ends and the end of the search
//! come from that, not from a protocol of our own.
//!
//! The processes connect to one another before timely starts (so that a
//! process that never comes up is an error after a timeout, not a wait
//! forever); after that, a process that dies closes its connections, the
//! others' receiving threads fail, and [`Fatal::ConnectionLost`] ends them.
//! A process that stops without closing them (frozen, or its host cut off)
//! stops its heartbeats: every pair of processes has a second connection on
//! which each sends a byte every 250 ms, and silence for
//! [`Cluster::peer_timeout`] is [`Fatal::PeerSilent`].

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use checker::shard::Round;
use checker::{CheckConfig, CheckError, DynModel, Outcome};
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::allocator::{AllocatorBuilder, ProcessBuilder};
use timely::communication::Hooks;
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::generic::operator::Operator;
use timely::dataflow::operators::{Exchange, Input, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};

/// Where this process stands in a cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// `host:port` of every process, in process order.
    pub addresses: Vec<String>,
    /// This process's index in `addresses`.
    pub process: usize,
    /// Worker threads per process (the same in every process).
    pub threads: usize,
    /// How long to wait for the other processes to connect.
    pub connect_timeout: Duration,
    /// How long another process may send no heartbeat before this one gives up.
    pub peer_timeout: Duration,
}

/// What ends a process of a cluster at once, whatever its workers are doing.
#[derive(Debug)]
pub enum Fatal {
    /// The connection to another process broke: it failed or was killed.
    ConnectionLost(String),
    /// Another process sent no heartbeat for [`Cluster::peer_timeout`],
    /// with its connections still open: it is frozen, or cut off.
    PeerSilent(String),
    /// A worker thread of this process crashed (a bug of bivalent).
    WorkerPanicked(String),
}

/// What a process did, for benchmarks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Traffic {
    /// Bytes of messages this process's workers sent to workers of other processes.
    pub bytes_sent: u64,
    /// Rounds (two per BFS level, one per hop of trace rebuilding).
    pub rounds: u64,
}

/// Runs this process's part of a distributed search of `model`: every
/// process runs it with the same model and configuration, and each gets the
/// same result. `fatal` is called (and must not return) when a connection
/// breaks or a worker crashes: the run cannot go on, and waiting would hang.
pub fn run(
    cluster: &Cluster,
    model: Arc<dyn DynModel>,
    config: &CheckConfig,
    fatal: Arc<dyn Fn(Fatal) + Send + Sync>,
) -> Result<(Result<Outcome, CheckError>, Traffic), String> {
    let processes = cluster.addresses.len();
    if cluster.process >= processes || cluster.threads == 0 {
        return Err(format!("process {} of {processes} with {} threads", cluster.process, cluster.threads));
    }
    // A refusal (no state codec, temporal properties...) is the same on
    // every process: said before waiting for the others.
    if let Err(error) = model.shard(config, 0, processes * cluster.threads) {
        return Ok((Err(error), Traffic::default()));
    }
    watch_connections(fatal.clone());
    let (sockets, beats) = connect(cluster)?;
    // Silence after this process's search ended is no concern of its own.
    let searching = Arc::new(AtomicBool::new(true));
    heartbeat(cluster, beats, searching.clone(), fatal.clone());
    let hooks = Hooks::default();
    let local = ProcessBuilder::new_typed_vector(cluster.threads, hooks.refill.clone(), hooks.spill.clone());
    let (builders, guard) = initialize_networking_from_sockets(local, sockets, cluster.process, cluster.threads, hooks)
        .map_err(|e| format!("cannot start the connections between the processes: {e}"))?;
    let builders = builders.into_iter().map(AllocatorBuilder::Tcp).collect();
    let threads = cluster.threads;
    let process = cluster.process;
    let config = config.clone();
    let guards = timely::execute::execute_from(builders, Box::new(guard), Default::default(), move |worker| {
        let ran = panic::catch_unwind(AssertUnwindSafe(|| search(worker, &*model, &config, process, threads)));
        match ran {
            Ok(result) => result,
            Err(payload) => {
                let message = panic_message(&*payload);
                fatal(Fatal::WorkerPanicked(message));
                unreachable!("the fatal handler returns only by ending the process")
            }
        }
    })?;
    let mut results = guards.join().into_iter();
    searching.store(false, Ordering::SeqCst);
    // Every worker ends with the same result: this process reports its first worker's.
    let first = results.next().ok_or("no worker ran")?.map_err(|e| format!("a worker crashed: {e}"))?;
    let mut traffic = first.1;
    for other in results {
        let other = other.map_err(|e| format!("a worker crashed: {e}"))?;
        traffic.bytes_sent += other.1.bytes_sent;
    }
    Ok((first.0, traffic))
}

/// A message with a number: the worker it goes to on the way, its round once received.
type Message = (u64, Vec<u8>);

/// One worker: drives its shard round by round.
fn search(
    worker: &mut timely::worker::Worker,
    model: &dyn DynModel,
    config: &CheckConfig,
    process: usize,
    threads: usize,
) -> (Result<Outcome, CheckError>, Traffic) {
    let index = worker.index();
    let peers = worker.peers();
    let mut traffic = Traffic::default();
    // Every worker builds the same plan from the same spec, so a refusal is
    // the same everywhere and no worker waits for another.
    let mut shard = match model.shard(config, index, peers) {
        Ok(shard) => shard,
        Err(error) => return (Err(error), traffic),
    };
    // Messages with their round: a faster worker's next round may arrive
    // before this worker's round ends.
    let inbox: Rc<RefCell<Vec<Message>>> = Rc::default();
    let mut input: InputHandle<u64, CapacityContainerBuilder<Vec<Message>>> = InputHandle::new();
    let probe = ProbeHandle::new();
    {
        let inbox = inbox.clone();
        let probe = probe.clone();
        let input = &mut input;
        worker.dataflow::<u64, _, _>(move |scope| {
            scope
                .input_from(input)
                .exchange(|(to, _): &(u64, Vec<u8>)| *to)
                .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(Pipeline, "Inbox", move |_, _| {
                    move |input, _output| {
                        input.for_each(|time, data| {
                            let round = time.least().copied().unwrap_or_default();
                            inbox.borrow_mut().extend(data.drain(..).map(|(_, message)| (round, message)));
                        });
                    }
                })
                .probe_with(&probe);
        });
    }
    let result = loop {
        let mut sent = 0usize;
        shard.send(&mut |to, message| {
            if to / threads != process {
                traffic.bytes_sent += message.len() as u64;
            }
            input.send((to as u64, message));
            // Let timely move what was sent so far, so that it does not pile up here.
            sent += 1;
            if sent.is_multiple_of(16) {
                input.flush();
                worker.step();
            }
        });
        traffic.rounds += 1;
        input.advance_to(traffic.rounds);
        while probe.less_than(input.time()) {
            worker.step_or_park(Some(Duration::from_millis(100)));
        }
        // The round just ended sent at time `rounds - 1`; later ones wait.
        let ended = traffic.rounds - 1;
        let mut inbox = inbox.borrow_mut();
        let (now, later): (Vec<_>, Vec<_>) = inbox.drain(..).partition(|(round, _)| *round == ended);
        *inbox = later;
        drop(inbox);
        for (_, message) in now {
            shard.receive(message);
        }
        if let Round::Finished(result) = shard.end_round() {
            break result;
        }
    };
    drop(shard);
    (result, traffic)
}

/// The connections of this process to each other process, by process index.
type Sockets = Vec<Option<TcpStream>>;

/// Marks a connection's index as the heartbeat connection's.
const HEARTBEAT: u64 = 1 << 63;

/// Connects this process to every other, as timely's own set-up does (each
/// process connects to the ones before it and accepts the ones after it,
/// which send their index first), but within `connect_timeout` and without
/// printing to stdout; and, the same way, a second connection per pair for
/// heartbeats (its index sent with [`HEARTBEAT`] set).
fn connect(cluster: &Cluster) -> Result<(Sockets, Sockets), String> {
    let deadline = Instant::now() + cluster.connect_timeout;
    let me = cluster.process;
    let listener = if me + 1 < cluster.addresses.len() {
        let address = &cluster.addresses[me];
        let listener =
            TcpListener::bind(address).map_err(|e| format!("process {me} cannot listen on {address}: {e}"))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        Some(listener)
    } else {
        None
    };
    let mut sockets: Sockets = (0..cluster.addresses.len()).map(|_| None).collect();
    let mut beats: Sockets = (0..cluster.addresses.len()).map(|_| None).collect();
    for (index, address) in cluster.addresses.iter().enumerate().take(me) {
        for tag in [0, HEARTBEAT] {
            let stream = loop {
                let attempt = address
                    .to_socket_addrs()
                    .map_err(|e| format!("process {index}'s address {address}: {e}"))?
                    .find_map(|a| TcpStream::connect_timeout(&a, Duration::from_secs(1)).ok());
                if let Some(stream) = attempt {
                    break stream;
                }
                if Instant::now() >= deadline {
                    return Err(timeout(cluster, &format!("process {index} at {address} did not accept a connection")));
                }
                std::thread::sleep(Duration::from_millis(5));
            };
            let mut stream = stream;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            stream
                .write_all(&(me as u64 | tag).to_be_bytes())
                .map_err(|e| format!("process {index} at {address}: {e}"))?;
            if tag == HEARTBEAT {
                beat(&stream);
                beats[index] = Some(stream);
            } else {
                sockets[index] = Some(stream);
            }
        }
    }
    if let Some(listener) = listener {
        while sockets[me + 1..].iter().chain(&beats[me + 1..]).any(Option::is_none) {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).map_err(|e| e.to_string())?;
                    stream.set_read_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
                    let mut index = [0u8; 8];
                    if stream.read_exact(&mut index).is_err() {
                        continue;
                    }
                    stream.set_read_timeout(None).map_err(|e| e.to_string())?;
                    let index = u64::from_be_bytes(index);
                    let heartbeats = index & HEARTBEAT != 0;
                    let slots = if heartbeats { &mut beats } else { &mut sockets };
                    let index = (index & !HEARTBEAT) as usize;
                    if index <= me || index >= slots.len() || slots[index].is_some() {
                        return Err(format!(
                            "process {me}: a connection claimed to come from process {index}; is another cluster \
                             using the same ports?"
                        ));
                    }
                    stream.set_nodelay(true).map_err(|e| e.to_string())?;
                    if heartbeats {
                        beat(&stream);
                    }
                    slots[index] = Some(stream);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        let missing: Vec<String> = (me + 1..sockets.len())
                            .filter(|&i| sockets[i].is_none() || beats[i].is_none())
                            .map(|i| i.to_string())
                            .collect();
                        return Err(timeout(cluster, &format!("processes {} did not connect", missing.join(", "))));
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(e) => return Err(format!("process {me} cannot accept connections: {e}")),
            }
        }
    }
    Ok((sockets, beats))
}

/// How often a process sends a heartbeat: the same for every process,
/// whatever its own `--peer-timeout` (at least a second).
const BEAT_EVERY: Duration = Duration::from_millis(250);

/// Sends a heartbeat on `stream` every [`BEAT_EVERY`], from the moment the
/// connection is made (its peer may still wait for others to connect)
/// until it closes.
fn beat(stream: &TcpStream) {
    let Ok(mut writer) = stream.try_clone() else { return };
    std::thread::spawn(move || {
        while writer.write_all(&[0]).is_ok() {
            std::thread::sleep(BEAT_EVERY);
        }
    });
}

/// Calls `fatal` when a heartbeat connection stays silent for the peer
/// timeout while `searching` (its writer started when it was made). A peer
/// that ends closes its connection, which ends its thread here quietly: a
/// process that died is [`Fatal::ConnectionLost`], reported by timely's
/// connections, and one that finished is no failure.
fn heartbeat(cluster: &Cluster, beats: Sockets, searching: Arc<AtomicBool>, fatal: Arc<dyn Fn(Fatal) + Send + Sync>) {
    let timeout = cluster.peer_timeout;
    for (peer, stream) in beats.into_iter().enumerate() {
        let Some(mut stream) = stream else { continue };
        let (searching, fatal) = (searching.clone(), fatal.clone());
        std::thread::spawn(move || {
            if stream.set_read_timeout(Some(timeout)).is_err() {
                return;
            }
            let mut byte = [0u8; 64];
            loop {
                match stream.read(&mut byte) {
                    Ok(0) => return,
                    Ok(_) => {}
                    Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                        if searching.load(Ordering::SeqCst) {
                            fatal(Fatal::PeerSilent(format!(
                                "process {peer} sent no heartbeat for {} s: it is frozen or cut off",
                                timeout.as_secs_f64()
                            )));
                        }
                        return;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        });
    }
}

fn timeout(cluster: &Cluster, what: &str) -> String {
    format!(
        "process {} of {}: {what} within {} s; start every process of the cluster (the same spec and flags, \
         --process 0 to {}), or raise --connect-timeout",
        cluster.process,
        cluster.addresses.len(),
        cluster.connect_timeout.as_secs_f64(),
        cluster.addresses.len() - 1
    )
}

/// Calls `fatal` when one of timely's connection threads fails: they panic
/// with "timely communication error" when a connection breaks, and nothing
/// else would tell the workers, which would wait forever.
fn watch_connections(fatal: Arc<dyn Fn(Fatal) + Send + Sync>) {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = panic_message(info.payload());
            if message.contains("timely communication error") {
                fatal(Fatal::ConnectionLost(message));
            }
            previous(info);
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}
