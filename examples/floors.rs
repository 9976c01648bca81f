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
//! the same process on the same bytes, so the ratio is not skewed by process start-up or load
//! drift between separate runs.

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

    let json_floor = median(reps, || {
        let (ctx, book): (PreprocessorContext, Book) =
            serde_json::from_slice(&json).expect("parsed once already");
        let out = serde_json::to_vec(&book).expect("a book serialises");
        std::hint::black_box((ctx, out));
    });
    let cmark_floor = median(reps, || {
        for text in &chapters {
            let n = markdown::parser(text, ParseOptions::default())
                .into_offset_iter()
                .count();
            std::hint::black_box(n);
        }
    });
    // Only the parse is the floor: the blocks are found (with the project's own fence
    // finder) before the clock starts.
    let blocks: Vec<&str> = chapters
        .iter()
        .filter_map(|text| {
            let block = split::split(text).0?;
            text.get(block.yaml)
        })
        .collect();
    let yaml_floor = median(reps, || {
        for yaml in &blocks {
            let n = saphyr_parser::Parser::new_from_str(yaml)
                .take_while(Result::is_ok)
                .count();
            std::hint::black_box(n);
        }
    });
    let scan_floor = median(reps, || {
        for text in &chapters {
            let n = memchr::memchr3_iter(0xC2, 0xC3, 0xE2, text.as_bytes()).count();
            std::hint::black_box(n);
        }
    });
    let floors = json_floor + cmark_floor + yaml_floor + scan_floor;
    println!(
        "floor  serde_json parse + serialise   {:>8.1} ms",
        ms(json_floor)
    );
    println!(
        "floor  pulldown-cmark events          {:>8.1} ms",
        ms(cmark_floor)
    );
    println!(
        "floor  YAML parse of front matter     {:>8.1} ms",
        ms(yaml_floor)
    );
    println!(
        "floor  memchr scan for lead bytes     {:>8.1} ms",
        ms(scan_floor)
    );
    println!(
        "floor  sum                            {:>8.1} ms",
        ms(floors)
    );

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for renderer in ["markdown", "html"] {
        for threads in [1, cores] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?;
            let t = pool.install(|| {
                median(reps, || {
                    let (mut ctx, book): (PreprocessorContext, Book) =
                        serde_json::from_slice(&json).expect("parsed once already");
                    ctx.renderer = renderer.to_string();
                    let (book, outcome) = run_book(&ctx, book).expect("the book runs");
                    let out = serde_json::to_vec(&book).expect("a book serialises");
                    std::hint::black_box((out, outcome));
                })
            });
            println!(
                "polish {renderer:<8} {threads} thread(s)           {:>8.1} ms  = {:.2} x floors",
                ms(t),
                t.as_secs_f64() / floors.as_secs_f64()
            );
        }
    }
    Ok(())
}

fn median(reps: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up: caches, allocator
    let mut times: Vec<Duration> = (0..reps.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
