//! Native criterion benches of the actor runtime beside `ractor` (on tokio), same machine, same
//! thread count: `cargo bench --bench actor`. Each group prints the worker count in its name.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use katalyst::actor as k;
    use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

    const WORKERS: usize = 2;
    const BATCH: usize = 10_000;
    const TIMEOUT: Duration = Duration::from_secs(30);

    fn katalyst() -> k::NativeExecutor {
        k::NativeExecutor::start(k::Config {
            workers: WORKERS,
            default_mailbox_capacity: 1 << 16,
            ..k::Config::default()
        })
        .expect("executor")
    }

    fn tokio_rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .enable_all()
            .build()
            .expect("tokio runtime")
    }

    /// Counts 16-byte messages; answers a call with the count.
    struct KSink(u64);
    impl k::Behaviour for KSink {
        fn handle(
            &mut self,
            m: k::Message,
            ctx: &mut k::Context<'_>,
        ) -> Result<k::Message, k::ExitReason> {
            if ctx.is_call() {
                return Ok(k::Message::Int(self.0 as i64));
            }
            self.0 += m.as_bytes().map_or(0, |b| b.len() as u64 / 16);
            Ok(k::Message::Empty)
        }
    }

    enum RMsg {
        Data(Vec<u8>),
        Count(RpcReplyPort<u64>),
    }

    struct RSink;
    impl Actor for RSink {
        type Msg = RMsg;
        type State = u64;
        type Arguments = ();
        async fn pre_start(&self, _: ActorRef<RMsg>, _: ()) -> Result<u64, ActorProcessingErr> {
            Ok(0)
        }
        async fn handle(
            &self,
            _: ActorRef<RMsg>,
            msg: RMsg,
            state: &mut u64,
        ) -> Result<(), ActorProcessingErr> {
            match msg {
                RMsg::Data(b) => *state += b.len() as u64 / 16,
                RMsg::Count(reply) => {
                    let _ = reply.send(*state);
                }
            }
            Ok(())
        }
    }

    fn cast_throughput(c: &mut Criterion) {
        let mut g = c.benchmark_group(format!("actor_cast_16B_one_sender_{WORKERS}_workers"));
        g.throughput(Throughput::Elements(BATCH as u64));
        {
            let ex = katalyst();
            let sys = ex.system().clone();
            let sink = sys
                .spawn(KSink(0), k::SpawnOptions::default())
                .expect("spawn");
            g.bench_function(BenchmarkId::new("katalyst", BATCH), |b| {
                b.iter(|| {
                    // The mailbox (65 536) holds a whole batch: no waiting needed, as with
                    // ractor's unbounded mailboxes.
                    for _ in 0..BATCH {
                        sys.cast(sink, k::Message::Bytes(vec![7u8; 16]))
                            .expect("cast");
                    }
                    black_box(
                        sys.call(sink, k::Message::Empty, TIMEOUT)
                            .expect("call")
                            .wait(),
                    )
                })
            });
        }
        {
            let rt = tokio_rt();
            let (sink, _h) = rt.block_on(Actor::spawn(None, RSink, ())).expect("spawn");
            g.bench_function(BenchmarkId::new("ractor", BATCH), |b| {
                b.iter(|| {
                    for _ in 0..BATCH {
                        sink.send_message(RMsg::Data(vec![7u8; 16])).expect("cast");
                    }
                    black_box(rt.block_on(async { ractor::call!(sink, RMsg::Count) }))
                })
            });
            sink.stop(None);
        }
        g.finish();
    }

    fn call_round_trip(c: &mut Criterion) {
        let mut g = c.benchmark_group(format!("actor_call_round_trip_{WORKERS}_workers"));
        {
            let ex = katalyst();
            let sys = ex.system().clone();
            let echo = sys
                .spawn(k::from_fn(|m, _| Ok(m)), k::SpawnOptions::default())
                .expect("spawn");
            g.bench_function("katalyst", |b| {
                b.iter(|| {
                    black_box(
                        sys.call(echo, k::Message::Int(1), TIMEOUT)
                            .expect("call")
                            .wait(),
                    )
                })
            });
        }
        {
            let rt = tokio_rt();
            let (sink, _h) = rt.block_on(Actor::spawn(None, RSink, ())).expect("spawn");
            g.bench_function("ractor", |b| {
                b.iter(|| black_box(rt.block_on(async { ractor::call!(sink, RMsg::Count) })))
            });
            sink.stop(None);
        }
        g.finish();
    }

    fn spawn_stop(c: &mut Criterion) {
        let mut g = c.benchmark_group(format!("actor_spawn_stop_{WORKERS}_workers"));
        let n = 1_000;
        g.throughput(Throughput::Elements(n as u64));
        {
            let ex = katalyst();
            let sys = ex.system().clone();
            g.bench_function(BenchmarkId::new("katalyst", n), |b| {
                b.iter(|| {
                    let refs: Vec<k::ActorRef> = (0..n)
                        .map(|_| {
                            sys.spawn(k::from_fn(|m, _| Ok(m)), k::SpawnOptions::default())
                                .expect("spawn")
                        })
                        .collect();
                    for r in refs {
                        sys.stop(r, k::ExitReason::Normal).expect("stop");
                    }
                    while sys.live() > 0 {
                        std::thread::yield_now();
                    }
                })
            });
        }
        {
            let rt = tokio_rt();
            g.bench_function(BenchmarkId::new("ractor", n), |b| {
                b.iter(|| {
                    rt.block_on(async {
                        let mut hs = Vec::with_capacity(n);
                        for _ in 0..n {
                            let (a, h) = Actor::spawn(None, RSink, ()).await.expect("spawn");
                            a.stop(None);
                            hs.push(h);
                        }
                        for h in hs {
                            let _ = h.await;
                        }
                    })
                })
            });
        }
        g.finish();
    }

    /// Rust actors casting to Rust actors, all inside the runtime (the shape of the browser
    /// bar: 2 workers, 16-byte messages). 16 producers, each to its own sink.
    fn actor_to_actor(c: &mut Criterion) {
        const PAIRS: usize = 16;
        const PER: usize = BATCH / PAIRS;
        let mut g = c.benchmark_group(format!("actor_cast_16B_actor_to_actor_{WORKERS}_workers"));
        g.throughput(Throughput::Elements((PAIRS * PER) as u64));
        let ex = katalyst();
        let sys = ex.system().clone();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let producers: Vec<k::ActorRef> = (0..PAIRS)
            .map(|_| {
                let done = std::sync::Mutex::new(done_tx.clone());
                let mut seen = 0usize;
                let sink = sys
                    .spawn(
                        k::from_fn(move |m, _| {
                            seen += m.as_bytes().map_or(0, |b| b.len() / 16);
                            if seen % PER == 0 {
                                let _ = done.lock().map(|d| d.send(()));
                            }
                            Ok(k::Message::Empty)
                        }),
                        k::SpawnOptions::default(),
                    )
                    .expect("spawn");
                sys.spawn(
                    k::from_fn(move |_m, ctx| {
                        for _ in 0..PER {
                            ctx.cast(sink, k::Message::Bytes(vec![7u8; 16]))
                                .map_err(|e| k::ExitReason::error(e.to_string()))?;
                        }
                        Ok(k::Message::Empty)
                    }),
                    k::SpawnOptions::default(),
                )
                .expect("spawn")
            })
            .collect();
        g.bench_function(BenchmarkId::new("katalyst", PAIRS * PER), |b| {
            b.iter(|| {
                for p in &producers {
                    sys.cast(*p, k::Message::Empty).expect("cast");
                }
                for _ in 0..PAIRS {
                    done_rx.recv().expect("done");
                }
            })
        });
        g.finish();
    }

    criterion_group!(
        benches,
        cast_throughput,
        actor_to_actor,
        call_round_trip,
        spawn_stop
    );
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
