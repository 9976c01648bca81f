//! The preprocessor's own work against the cost floors of issue 6, in one process.
//!
//! Usage: `floors BOOK.json [REPS]`, where BOOK.json is the `[context, book]` JSON mdBook sends
//! to a preprocessor (`scripts/bench-book` captures it). Timed, each REPS times (median):
//!
//! - the floors: serde_json parse + serialise of the book; pulldown-cmark events over every
//!   chapter with mdBook's options; a YAML parse (saphyr-parser events) of every front matter
//!   block; a memchr scan for mojibake lead bytes;
//! - mdbook-polish's whole protocol work in process (parse, run, serialise), for the markdown
//!   and the html renderer, on one thread and on all cores.
//!
//! Issue 6's target: polish on one core ≤ 2 × the sum of the floors. Both sides run here in
//! the same process on the same bytes, so the ratio is not skewed by process start-up. Every
//! step runs once per repetition, in turn, and each polish run is divided by the floors of its
//! own repetition (the printed ratio is the median of those): on a shared machine whose speed
//! drifts by a third within a minute, medians taken one phase after the other were not.

use std::time::{Duration, Instant};

use mdbook_polish::frontmatter::split;
use mdbook_polish::markdown::{self, ParseOptions};
use mdbook_polish::preprocessor::run_book;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem};

// The allocator of the `mdbook-polish` binary, so the preprocessor's work is timed as it runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: floors BOOK.json [REPS]"))?;
    let reps: usize = args.next().map_or(Ok(7), |r| r.parse())?;
    let json = std::fs::read(&path)?;
    let (_, book): (PreprocessorContext, Book) = serde_json::from_slice(&json)?;
    let chapters: Vec<String> = book
        .iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => Some(ch.content.clone()),
            _ => None,
        })
        .collect();
    let bytes: usize = chapters.iter().map(String::len).sum();
    println!(
        "book JSON {} bytes, {} chapters, {} bytes of Markdown, {reps} reps (medians)",
        json.len(),
        chapters.len(),
        bytes
    );

    // Thread pools for the polish runs: one thread (the target's "one core"), and all cores.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let pools = [1, cores]
        .into_iter()
        .map(|threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map(|pool| (threads, pool))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let polish_run = |renderer: &str| {
        let (mut ctx, book): (PreprocessorContext, Book) =
            serde_json::from_slice(&json).expect("parsed once already");
        ctx.renderer = renderer.to_string();
        let (book, outcome) = run_book(&ctx, book).expect("the book runs");
        let out = serde_json::to_vec(&book).expect("a book serialises");
        std::hint::black_box((out, outcome));
    };

    // Only the parse is the floor: the blocks are found (with the project's own fence
    // finder) before the clock starts.
    let blocks: Vec<&str> = chapters
        .iter()
        .filter_map(|text| {
            let block = split::split(text).0?;
            text.get(block.yaml)
        })
        .collect();
    let floor_steps: Vec<(&str, Step<'_>)> = vec![
        (
            "serde_json parse + serialise",
            Box::new(|| {
                let (ctx, book): (PreprocessorContext, Book) =
                    serde_json::from_slice(&json).expect("parsed once already");
                let out = serde_json::to_vec(&book).expect("a book serialises");
                std::hint::black_box((ctx, out));
            }),
        ),
        (
            "pulldown-cmark events",
            Box::new(|| {
                for text in &chapters {
                    let n = markdown::parser(text, ParseOptions::default())
                        .into_offset_iter()
                        .count();
                    std::hint::black_box(n);
                }
            }),
        ),
        (
            "YAML parse of front matter",
            Box::new(|| {
                for yaml in &blocks {
                    let n = saphyr_parser::Parser::new_from_str(yaml)
                        .take_while(Result::is_ok)
                        .count();
                    std::hint::black_box(n);
                }
            }),
        ),
        (
            "memchr scan for lead bytes",
            Box::new(|| {
                for text in &chapters {
                    let n = memchr::memchr3_iter(0xC2, 0xC3, 0xE2, text.as_bytes()).count();
                    std::hint::black_box(n);
                }
            }),
        ),
    ];
    let mut polish_steps: Vec<(String, Step<'_>)> = Vec::new();
    for renderer in ["markdown", "html"] {
        for (threads, pool) in &pools {
            let run = &polish_run;
            polish_steps.push((
                format!("{renderer:<8} {threads} thread(s)"),
                Box::new(move || pool.install(|| run(renderer))),
            ));
        }
    }

    // Every step once per repetition, in turn, after one warm-up round (caches, allocator):
    // drift on a shared machine then hits the floors and polish alike, and each polish run
    // is divided by the floors of its own repetition.
    let time = |f: &dyn Fn()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    for (_, f) in &floor_steps {
        f();
    }
    for (_, f) in &polish_steps {
        f();
    }
    let mut floor_times = vec![Vec::new(); floor_steps.len()];
    let mut polish_times = vec![Vec::new(); polish_steps.len()];
    let mut ratios = vec![Vec::new(); polish_steps.len()];
    for _ in 0..reps.max(1) {
        let floors: Vec<Duration> = floor_steps.iter().map(|(_, f)| time(f.as_ref())).collect();
        let sum: Duration = floors.iter().sum();
        for (i, t) in floors.into_iter().enumerate() {
            floor_times[i].push(t);
        }
        for (i, (_, f)) in polish_steps.iter().enumerate() {
            let t = time(f.as_ref());
            polish_times[i].push(t);
            ratios[i].push(t.as_secs_f64() / sum.as_secs_f64());
        }
    }
    let mut floors_sum = Duration::ZERO;
    for ((name, _), times) in floor_steps.iter().zip(&mut floor_times) {
        let t = median(times);
        floors_sum += t;
        println!("floor  {name:<30} {:>8.1} ms", ms(t));
    }
    println!("floor  {:<30} {:>8.1} ms", "sum", ms(floors_sum));
    for (((name, _), times), ratios) in polish_steps.iter().zip(&mut polish_times).zip(&mut ratios)
    {
        ratios.sort_by(f64::total_cmp);
        let ratio = ratios[ratios.len() / 2];
        println!(
            "polish {name:<23} {:>8.1} ms  = {ratio:.2} x floors (median of per-repetition ratios; range {:.2}-{:.2})",
            ms(median(times)),
            ratios[0],
            ratios[ratios.len() - 1],
        );
    }
    Ok(())
}

/// One timed step.
type Step<'a> = Box<dyn Fn() + 'a>;

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
