//! Generators of the hostile-input shapes, shared by `tests/hostile.rs` (which checks the
//! result at a size a debug build affords) and `benches/hostile.rs` (which shows the time is
//! linear in size). Included in both with `#[path]`, so the two cannot drift apart.

/// Front matter with a mojibake value, then a heading: the start of a big chapter.
pub const FRONT: &str = "---\nsummary: Letâ€™s see\naudience:\n  - architects\n---\n\n# Big\n\n";

/// A two-column comparison table with `rows` rows of `**Title**<br/>text` cells.
pub fn table(rows: usize) -> String {
    let mut t = String::from("| Pros | Cons |\n|---|---|\n");
    for i in 0..rows {
        t.push_str(&format!(
            "| **Gain {i}**<br/>quick w{i} | **Loss {i}**<br/>slow l{i} |\n"
        ));
    }
    t
}

/// A table `n` columns wide: not a comparison, so left alone, but parsed and looked at.
pub fn many_columns(n: usize) -> String {
    let mut s = String::from("|");
    for i in 0..n {
        s.push_str(&format!(" h{i} |"));
    }
    s.push_str("\n|");
    s.push_str(&"---|".repeat(n));
    s.push_str("\n|");
    for i in 0..n {
        s.push_str(&format!(" c{i} |"));
    }
    s.push('\n');
    s
}
