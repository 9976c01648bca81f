//! The floor under `mdbook-polish check`: the least any front matter checker must do.
//!
//! Usage: `check_floor DIR [REPS]`. Timed, each REPS times (median), on all cores as `check`
//! runs: walk DIR for `*.md` (walkdir, sorted, as `check` does), read each file, find its front
//! matter block and parse it into YAML events (saphyr-parser). No tree, no schema, no body
//! checks, no report: the job of the action `scripts/bench-check` compares against, minus
//! validation. Whatever `check` does beyond this is the work to look at; this itself is a
//! lower bound for a checker built on these crates on this machine.

use std::time::{Duration, Instant};

use mdbook_polish::frontmatter::split;
use rayon::prelude::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: check_floor DIR [REPS]"))?;
    let reps: usize = args.next().map_or(Ok(7), |r| r.parse())?;
    let mut walks = Vec::new();
    let mut reads = Vec::new();
    let mut totals = Vec::new();
    let mut files = 0;
    for _ in 0..reps {
        let start = Instant::now();
        let paths: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .map(walkdir::DirEntry::into_path)
            .collect();
        let walked = start.elapsed();
        let read: Vec<usize> = paths
            .par_iter()
            .map(|p| std::fs::read(p).map_or(0, |b| b.len()))
            .collect();
        let read_done = start.elapsed() - walked;
        let start2 = Instant::now();
        let events: usize = paths
            .par_iter()
            .map(|p| {
                let Ok(text) = std::fs::read_to_string(p) else {
                    return 0;
                };
                let Some(block) = split::split(&text).0 else {
                    return 0;
                };
                text.get(block.yaml).map_or(0, |yaml| {
                    saphyr_parser::Parser::new_from_str(yaml)
                        .take_while(Result::is_ok)
                        .count()
                })
            })
            .sum();
        let total = walked + start2.elapsed();
        std::hint::black_box((read, events));
        files = paths.len();
        walks.push(walked);
        reads.push(read_done);
        totals.push(total);
    }
    println!(
        "{files} files, {} threads, {reps} reps (medians): walk {:.1} ms, walk + read {:.1} ms, walk + read + split + YAML events {:.1} ms",
        rayon::current_num_threads(),
        ms(median(walks.clone())),
        ms(median(
            walks.iter().zip(&reads).map(|(a, b)| *a + *b).collect()
        )),
        ms(median(totals)),
    );
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
