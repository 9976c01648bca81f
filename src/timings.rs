//! Phase timings for profiling, shared by the drivers: with `MDBOOK_POLISH_TIMINGS=1`, the
//! preprocessor and `check` print each phase's time and the peak memory so far to stderr
//! (`scripts/bench-book` reads the preprocessor's). Off, it costs one environment lookup.

/// Hidden: with `MDBOOK_POLISH_TIMINGS=1`, the preprocessor and `check` print each phase's
/// time (and the peak RSS so far) to stderr (scripts/bench-book reads the preprocessor's).
pub(crate) struct Laps {
    start: Option<std::time::Instant>,
}

impl Laps {
    /// Starts the clock when the variable is set: the process's first `start` sets the
    /// origin, so that a phase timed inside another (the book-level passes inside
    /// "processed") is on the same clock.
    pub(crate) fn start() -> Laps {
        static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        Laps {
            start: std::env::var_os("MDBOOK_POLISH_TIMINGS")
                .map(|_| *ORIGIN.get_or_init(std::time::Instant::now)),
        }
    }

    /// Prints the time since the start, when timing.
    pub(crate) fn lap(&self, what: &str) {
        if let Some(start) = self.start {
            eprintln!(
                "mdbook-polish: timing: {what} at {:.1} ms{}",
                start.elapsed().as_secs_f64() * 1e3,
                peak_rss().map_or(String::new(), |kb| format!(" (peak RSS {kb} KB)"))
            );
        }
    }
}

/// The process's peak resident set so far (Linux `VmHWM`), for `MDBOOK_POLISH_TIMINGS`.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
