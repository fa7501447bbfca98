//! Speed benchmarks of Passerelle's offline check (issue 3): a deterministic generator of GLPI
//! exports, a native run of `check_files` and a headless-Chromium run against Papa Parse.
//! Figures are printed, never asserted: timing goals are checked in BENCHMARKS.md.
#![warn(missing_docs)]

pub mod generate;

/// One megabyte as the figures count it (10^6 bytes, so MB/s is bytes per microsecond).
pub const MB: usize = 1_000_000;

/// The median of `values` (the mean of the two middle ones for an even count); 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The machine, as BENCHMARKS.md reports it: cores, CPU model, RAM.
pub fn machine() -> String {
    // The machine's cores, not this process's affinity (the native run is pinned to one core).
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let cpu = Some(&cpuinfo)
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let ram_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0);
    format!(
        "{cores} cores (nproc), {cpu}, {:.1} GiB RAM",
        ram_kib as f64 / 1024.0 / 1024.0
    )
}

/// Parses `10,50,200` into sizes in MB.
pub fn parse_sizes(list: &str) -> Result<Vec<usize>, String> {
    list.split(',')
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .map_err(|e| format!("bad size {s:?}: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_sizes() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(parse_sizes("10, 50,200").unwrap(), vec![10, 50, 200]);
        assert!(parse_sizes("10,x").is_err());
    }
}
