//! How many transfers one host gets at once: start at 4, one more while the throughput grows,
//! up to 16; half as many when the host says it is busy. Pure: fed completions, times and errors.

use std::time::{Duration, Instant};

/// Transfers at once on a host not yet measured: what `instatui download` always used.
pub const START: usize = 4;
/// Never more at once on one host: enough to hide a 40 ms link's latency behind
/// pictures of tens of KiB, few enough to be polite to a CDN.
pub const CAP: usize = 16;
/// Never fewer: a host that keeps failing still gets one transfer.
pub const FLOOR: usize = 1;
/// An epoch counts at least this many completed files, however low the limit,
/// so that one quick file does not decide.
const EPOCH_MIN_FILES: usize = 8;
/// A step up must bring this much more throughput to be kept (2 %): less is noise.
const GAIN: f64 = 0.02;
/// After a step up that did not pay: epochs at the limit before the next try.
const HOLD_EPOCHS: u32 = 4;

/// The pace of one host: additive increase while it pays, halving when the
/// host is busy (429, a 5xx, a timeout, a dropped connection).
///
/// Time is split into epochs: an epoch ends once `limit` transfers started
/// in it (at least 8) have ended, and their throughput decides. It is
/// measured per transfer, not by the clock: `limit × bytes ÷ the sum of
/// their times` (Little's law: `limit` transfers each taking its time), so
/// transfers still in flight from the epoch before, at another limit, never
/// blur it. The first epoch always tries one more transfer; a step is kept
/// when it raised the throughput by 2 %, else taken back and not tried
/// again for 4 epochs. A latency-bound link (each transfer waits for the
/// round trip, whatever the number at once) climbs to [`CAP`]; a link
/// already full (each transfer takes longer the more there are) stays.
#[derive(Debug, Clone)]
pub struct Pace {
    limit: usize,
    /// Bumped at every cut: a busy answer to a transfer started before the
    /// last cut is already paid for (16 transfers failing together halve
    /// the limit once, not four times).
    generation: u64,
    /// Bumped when an epoch ends (and at a cut): only transfers started in
    /// the current epoch count towards it.
    epoch_id: u64,
    epoch: Epoch,
    /// The throughput of the last epoch before the latest step, bytes/s.
    before: Option<f64>,
    hold: u32,
}

#[derive(Debug, Clone, Default)]
struct Epoch {
    files: usize,
    bytes: u64,
    /// The transfers' times, added up.
    seconds: f64,
}

/// Given for each transfer started; handed back when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    generation: u64,
    epoch_id: u64,
    started: Instant,
}

impl Default for Pace {
    fn default() -> Self {
        Pace::new()
    }
}

impl Pace {
    pub fn new() -> Pace {
        Pace {
            limit: START,
            generation: 0,
            epoch_id: 0,
            epoch: Epoch::default(),
            before: None,
            hold: 0,
        }
    }

    /// Transfers this host may have at once now.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// A transfer starts.
    pub fn start(&mut self, now: Instant) -> Ticket {
        Ticket {
            generation: self.generation,
            epoch_id: self.epoch_id,
            started: now,
        }
    }

    /// A transfer ended with a file of `bytes`. `busy_tries`: tries of it
    /// that failed as a busy host fails before it succeeded.
    pub fn done(&mut self, ticket: Ticket, bytes: u64, busy_tries: u32, now: Instant) {
        if busy_tries > 0 {
            self.busy(ticket);
        }
        if ticket.epoch_id != self.epoch_id {
            return;
        }
        let took = now.saturating_duration_since(ticket.started);
        self.epoch.files += 1;
        // An empty file still counts for something.
        self.epoch.bytes += bytes.max(1);
        self.epoch.seconds += took.max(Duration::from_micros(1)).as_secs_f64();
        if self.epoch.files < self.limit.max(EPOCH_MIN_FILES) {
            return;
        }
        let rate = self.limit as f64 * self.epoch.bytes as f64 / self.epoch.seconds;
        self.next_epoch();
        if self.hold > 0 {
            self.hold -= 1;
            self.before = Some(rate);
            if self.hold == 0 {
                self.step_up();
            }
            return;
        }
        match self.before {
            Some(before) if rate <= before * (1.0 + GAIN) => {
                // The last step did not pay: back, and stay a while.
                self.limit = self.limit.saturating_sub(1).max(FLOOR);
                self.hold = HOLD_EPOCHS;
                self.before = None;
            }
            // At the cap there is no step to judge: it stays there.
            _ if self.limit == CAP => self.before = None,
            _ => {
                self.before = Some(rate);
                self.step_up();
            }
        }
    }

    /// A transfer failed. Only a busy host's failure slows the pace.
    pub fn failed(&mut self, ticket: Ticket, busy: bool) {
        if busy {
            self.busy(ticket);
        }
    }

    fn busy(&mut self, ticket: Ticket) {
        if ticket.generation != self.generation {
            return;
        }
        self.limit = (self.limit / 2).max(FLOOR);
        self.generation += 1;
        self.before = None;
        self.hold = 0;
        self.next_epoch();
    }

    fn next_epoch(&mut self) {
        self.epoch_id += 1;
        self.epoch = Epoch::default();
    }

    fn step_up(&mut self) {
        self.limit = (self.limit + 1).min(CAP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: u64 = 100_000;

    /// Runs `rounds` rounds: each starts `limit` transfers together, which
    /// all end after `took(limit)`; the limit of each round, in order.
    fn run(pace: &mut Pace, rounds: usize, took: impl Fn(usize) -> Duration) -> Vec<usize> {
        let mut now = Instant::now();
        let mut limits = Vec::new();
        for _ in 0..rounds {
            let n = pace.limit();
            limits.push(n);
            let tickets: Vec<Ticket> = (0..n).map(|_| pace.start(now)).collect();
            now += took(n);
            for ticket in tickets {
                pace.done(ticket, FILE, 0, now);
            }
        }
        limits
    }

    #[test]
    fn a_latency_bound_link_climbs_from_four_to_the_cap_and_stays_there() {
        // Every transfer waits 40 ms whatever the number at once: twice as
        // many at once, twice the throughput.
        let mut pace = Pace::new();
        let limits = run(&mut pace, 200, |_| Duration::from_millis(40));
        assert_eq!(limits[0], START);
        assert_eq!(pace.limit(), CAP);
        assert!(limits.iter().all(|&n| n <= CAP), "{limits:?}");
        // Each step up is one more, never a jump.
        assert!(limits.windows(2).all(|w| w[1] <= w[0] + 1), "{limits:?}");
        // At the cap it stays.
        let at_cap = limits
            .iter()
            .position(|&n| n == CAP)
            .expect("reaches the cap");
        assert!(at_cap < 100, "reached the cap after {at_cap} rounds");
        assert!(limits[at_cap..].iter().all(|&n| n == CAP), "{limits:?}");
    }

    /// Transfers as the scheduler runs them: each one that ends is replaced
    /// at once, so they end at staggered times, never in rounds. Each takes
    /// `took(number in flight when it started)`; the limit after each file.
    fn run_staggered(
        pace: &mut Pace,
        files: usize,
        took: impl Fn(usize) -> Duration,
    ) -> Vec<usize> {
        let t0 = Instant::now();
        let mut flying: Vec<(Instant, Ticket)> = Vec::new();
        let mut now = t0;
        let mut limits = Vec::new();
        for _ in 0..files {
            while flying.len() < pace.limit() {
                // A little jitter, as over a real link.
                let jitter = Duration::from_micros(137 * (flying.len() as u64 % 7));
                let ends = now + took(flying.len() + 1) + jitter;
                flying.push((ends, pace.start(now)));
            }
            flying.sort_by_key(|(ends, _)| *ends);
            let (ends, ticket) = flying.remove(0);
            now = ends;
            pace.done(ticket, FILE, 0, now);
            limits.push(pace.limit());
        }
        limits
    }

    #[test]
    fn staggered_transfers_climb_without_a_step_back() {
        let mut pace = Pace::new();
        let limits = run_staggered(&mut pace, 600, |_| Duration::from_millis(40));
        let at_cap = limits.iter().position(|&n| n == CAP);
        // 12 steps, each about one round of the transfers in flight (which
        // no longer count) and one epoch (8 to 15 files): about 220 files,
        // never a step back.
        assert!(at_cap.is_some_and(|at| at < 260), "{limits:?}");
        assert!(limits.windows(2).all(|w| w[1] >= w[0]), "{limits:?}");
        assert_eq!(pace.limit(), CAP);
    }

    #[test]
    fn a_full_link_stays_near_four() {
        // Bandwidth-bound: n at once take n times as long, the throughput
        // is the same at any number.
        let mut pace = Pace::new();
        let limits = run(&mut pace, 300, |n| Duration::from_millis(10) * n as u32);
        assert!(limits.iter().all(|&n| n <= START + 1), "{limits:?}");
        assert!(limits.iter().all(|&n| n >= START), "{limits:?}");
    }

    #[test]
    fn throughput_that_stops_growing_stops_the_climb() {
        // The link holds 8 transfers' worth: beyond, each waits longer.
        let mut pace = Pace::new();
        let limits = run(&mut pace, 300, |n| {
            Duration::from_millis(40) * (n.max(8) as u32) / 8
        });
        assert!(limits.iter().all(|&n| n <= 9), "{limits:?}");
        assert!(limits[100..].iter().all(|&n| n >= 7), "{limits:?}");
    }

    #[test]
    fn a_busy_host_halves_the_pace_once_per_round_down_to_one() {
        let mut pace = Pace::new();
        run(&mut pace, 200, |_| Duration::from_millis(40));
        assert_eq!(pace.limit(), CAP);
        let now = Instant::now();
        // 16 transfers in flight all answer 429: one halving, not four.
        let tickets: Vec<Ticket> = (0..CAP).map(|_| pace.start(now)).collect();
        for ticket in tickets {
            pace.failed(ticket, true);
        }
        assert_eq!(pace.limit(), CAP / 2);
        // Each new round that fails halves again, to one and no lower.
        for expected in [4, 2, 1, 1] {
            let ticket = pace.start(now);
            pace.failed(ticket, true);
            assert_eq!(pace.limit(), expected);
        }
    }

    #[test]
    fn a_refusal_is_not_a_busy_host() {
        let mut pace = Pace::new();
        let now = Instant::now();
        let ticket = pace.start(now);
        pace.failed(ticket, false);
        assert_eq!(pace.limit(), START);
    }

    #[test]
    fn a_file_that_came_after_a_busy_try_slows_the_pace_too() {
        let mut pace = Pace::new();
        let now = Instant::now();
        let ticket = pace.start(now);
        pace.done(ticket, FILE, 1, now);
        assert_eq!(pace.limit(), START / 2);
    }

    #[test]
    fn after_a_cut_the_pace_climbs_again_while_it_pays() {
        let mut pace = Pace::new();
        let now = Instant::now();
        let ticket = pace.start(now);
        pace.failed(ticket, true);
        assert_eq!(pace.limit(), 2);
        run(&mut pace, 300, |_| Duration::from_millis(40));
        assert_eq!(pace.limit(), CAP);
    }
}
