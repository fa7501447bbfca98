//! The national GLPI's protection: one ceiling of calls in flight and of calls per second for
//! the whole proxy, shared fairly between the sessions using it.
//!
//! Each active session (one that called in the last [`ACTIVE`]) gets an equal share of both
//! limits: with `n` active sessions, at most `max_in_flight / n` of its calls in flight and
//! `max_calls_per_second / n` of its calls in any one-second window (at least one each). A
//! session over its share, or any call over the global limits, is refused before it reaches GLPI
//! with 429 and `Retry-After`: one prefecture running flat out cannot starve another. The
//! per-second limit is a sliding window (the times of the calls of the last second), so no
//! one-second window ever holds more calls than the ceiling, bursts included.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a session stays counted in the shares after its last call.
pub const ACTIVE: Duration = Duration::from_secs(3);
const WINDOW: Duration = Duration::from_secs(1);

/// The configured ceiling; 0 means no limit for that dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Calls to GLPI in flight at once, all sessions together.
    pub max_in_flight: usize,
    /// Calls to GLPI started in any one-second window, all sessions together.
    pub max_calls_per_second: usize,
}

#[derive(Default)]
struct Usage {
    in_flight: usize,
    started: VecDeque<Instant>,
}

impl Usage {
    fn forget_before(&mut self, now: Instant) {
        while self
            .started
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.started.pop_front();
        }
    }
}

struct Session {
    usage: Usage,
    last_seen: Instant,
}

#[derive(Default)]
struct State {
    global: Usage,
    sessions: HashMap<u64, Session>,
}

/// The shared ceiling.
pub struct Ceiling {
    limits: Limits,
    state: Mutex<State>,
}

/// A call admitted: holds its place in flight until dropped.
pub struct Permit {
    ceiling: Arc<Ceiling>,
    key: u64,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = self.ceiling.lock();
        s.global.in_flight = s.global.in_flight.saturating_sub(1);
        if let Some(session) = s.sessions.get_mut(&self.key) {
            session.usage.in_flight = session.usage.in_flight.saturating_sub(1);
        }
    }
}

impl Ceiling {
    /// A ceiling with these limits.
    pub fn new(limits: Limits) -> Arc<Ceiling> {
        Arc::new(Ceiling {
            limits,
            state: Mutex::new(State::default()),
        })
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits one call of session `key` at `now`, or says how long to wait.
    pub fn try_acquire(self: &Arc<Self>, key: u64, now: Instant) -> Result<Permit, Duration> {
        let Limits {
            max_in_flight,
            max_calls_per_second,
        } = self.limits;
        let mut guard = self.lock();
        let state = &mut *guard;
        state.global.forget_before(now);
        state.sessions.retain(|k, s| {
            *k == key || s.usage.in_flight > 0 || now.duration_since(s.last_seen) < ACTIVE
        });
        let active = state.sessions.len().max(1)
            + usize::from(!state.sessions.contains_key(&key) && !state.sessions.is_empty());
        let session = state.sessions.entry(key).or_insert_with(|| Session {
            usage: Usage::default(),
            last_seen: now,
        });
        session.last_seen = now;
        session.usage.forget_before(now);
        let share = |limit: usize| (limit / active).max(1);

        if max_in_flight > 0
            && (state.global.in_flight >= max_in_flight
                || session.usage.in_flight >= share(max_in_flight))
        {
            // Calls in flight end when GLPI answers: no date to give, one second is GLPI's
            // order of magnitude for a bulk call.
            return Err(WINDOW);
        }
        if max_calls_per_second > 0 {
            let mut wait = Duration::ZERO;
            if state.global.started.len() >= max_calls_per_second {
                wait = wait.max(WINDOW - now.duration_since(state.global.started[0]));
            }
            let own = share(max_calls_per_second);
            if session.usage.started.len() >= own {
                let oldest = session.usage.started[session.usage.started.len() - own];
                wait = wait.max(WINDOW - now.duration_since(oldest));
            }
            if !wait.is_zero() {
                return Err(wait);
            }
        }
        session.usage.in_flight += 1;
        session.usage.started.push_back(now);
        state.global.in_flight += 1;
        state.global.started.push_back(now);
        Ok(Permit {
            ceiling: self.clone(),
            key,
        })
    }
}

/// Whole seconds for `Retry-After` (at least 1: the header has no fractions).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_millis().div_ceil(1000).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ceiling(in_flight: usize, per_second: usize) -> Arc<Ceiling> {
        Ceiling::new(Limits {
            max_in_flight: in_flight,
            max_calls_per_second: per_second,
        })
    }

    #[test]
    fn calls_in_flight_are_capped_and_released() {
        let c = ceiling(2, 0);
        let t = Instant::now();
        let a = c.try_acquire(1, t).unwrap();
        let _b = c.try_acquire(1, t).unwrap();
        assert_eq!(c.try_acquire(1, t).err(), Some(WINDOW));
        drop(a);
        assert!(c.try_acquire(1, t).is_ok());
    }

    #[test]
    fn no_second_window_holds_more_than_the_ceiling() {
        let c = ceiling(0, 5);
        let t = Instant::now();
        for i in 0..5 {
            drop(
                c.try_acquire(1, t + Duration::from_millis(i * 100))
                    .unwrap(),
            );
        }
        // The sixth call 500 ms after the first must wait until the first leaves the window.
        let wait = c
            .try_acquire(1, t + Duration::from_millis(500))
            .err()
            .unwrap();
        assert_eq!(wait, Duration::from_millis(500));
        assert_eq!(retry_after_secs(wait), 1);
        assert!(c.try_acquire(1, t + Duration::from_millis(1000)).is_ok());
    }

    #[test]
    fn sessions_share_fairly_and_a_busy_one_cannot_starve_another() {
        let c = ceiling(4, 0);
        let t = Instant::now();
        // Alone, session 1 may use the whole ceiling.
        let mut held: Vec<Permit> = (0..4).map(|_| c.try_acquire(1, t).unwrap()).collect();
        // Session 2 arrives: the ceiling is full, it is told to come back.
        assert!(c.try_acquire(2, t).is_err());
        // As session 1's calls end, session 1 is held to its half and session 2 gets the rest.
        held.truncate(1);
        assert!(c.try_acquire(1, t).is_ok_and(|p| {
            held.push(p);
            true
        }));
        assert!(c.try_acquire(1, t).is_err(), "session 1 is at its share");
        held.push(c.try_acquire(2, t).unwrap());
        held.push(c.try_acquire(2, t).unwrap());
        assert!(c.try_acquire(2, t).is_err(), "session 2 is at its share");
        // Session 2 going quiet gives session 1 the whole ceiling back.
        held.clear();
        let later = t + ACTIVE + Duration::from_millis(1);
        let all: Vec<Permit> = (0..4).map(|_| c.try_acquire(1, later).unwrap()).collect();
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn per_second_shares_too() {
        let c = ceiling(0, 4);
        let t = Instant::now();
        drop(c.try_acquire(1, t).unwrap());
        drop(c.try_acquire(2, t).unwrap());
        drop(c.try_acquire(1, t).unwrap());
        assert!(
            c.try_acquire(1, t).is_err(),
            "two sessions: two calls a second each"
        );
        drop(c.try_acquire(2, t).unwrap());
        assert!(c.try_acquire(2, t).is_err());
    }
}
