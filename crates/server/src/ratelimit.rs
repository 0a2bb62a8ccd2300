//! A small sliding-window rate limiter keyed by client IP.
//!
//! Each key keeps the instants of its counted events within the window; a
//! key with `max` events in the last `window` is limited until the oldest
//! one ages out. Memory is bounded: keys whose events have all aged out are
//! dropped when the table grows.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PRUNE_ABOVE: usize = 10_000;

pub struct RateLimiter {
    max: u32,
    window: Duration,
    events: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// Is `ip` limited now? Counts nothing. `Some(wait)` says how long until
    /// it is not.
    pub fn limited(&self, ip: IpAddr) -> Option<Duration> {
        self.limited_at(ip, Instant::now())
    }

    /// Count one event for `ip`.
    pub fn record(&self, ip: IpAddr) {
        self.record_at(ip, Instant::now());
    }

    /// Count one event unless `ip` is limited; `Err(wait)` when it is.
    pub fn hit(&self, ip: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        if let Some(wait) = self.limited_at(ip, now) {
            return Err(wait);
        }
        self.record_at(ip, now);
        Ok(())
    }

    /// Forget `ip`'s events (after a successful login).
    pub fn reset(&self, ip: IpAddr) {
        if let Ok(mut m) = self.events.lock() {
            m.remove(&ip);
        }
    }

    fn limited_at(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        if self.max == 0 {
            return Some(self.window);
        }
        let mut m = self.events.lock().ok()?;
        let q = m.get_mut(&ip)?;
        expire(q, now, self.window);
        if q.len() < self.max as usize {
            return None;
        }
        let oldest = *q.front()?;
        Some(
            self.window
                .saturating_sub(now.saturating_duration_since(oldest)),
        )
    }

    fn record_at(&self, ip: IpAddr, now: Instant) {
        let Ok(mut m) = self.events.lock() else {
            return;
        };
        if m.len() > PRUNE_ABOVE {
            let window = self.window;
            m.retain(|_, q| {
                expire(q, now, window);
                !q.is_empty()
            });
        }
        let q = m.entry(ip).or_default();
        expire(q, now, self.window);
        q.push_back(now);
        // Never keep more than the limit needs.
        while q.len() > self.max as usize {
            q.pop_front();
        }
    }
}

fn expire(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while q
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= window)
    {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_after_max_events_until_the_window_slides() {
        let l = RateLimiter::new(3, Duration::from_secs(60));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(l.limited_at(ip, t0 + Duration::from_secs(i)).is_none());
            l.record_at(ip, t0 + Duration::from_secs(i));
        }
        let wait = l.limited_at(ip, t0 + Duration::from_secs(10)).unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(l.limited_at(other, t0 + Duration::from_secs(10)).is_none());
        // The first event ages out at t0 + 60 s.
        assert!(l.limited_at(ip, t0 + Duration::from_secs(60)).is_none());
        l.reset(ip);
        assert!(l.limited_at(ip, t0 + Duration::from_secs(1)).is_none());
    }

    #[test]
    fn zero_allows_nothing() {
        let l = RateLimiter::new(0, Duration::from_secs(60));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(l.hit(ip).is_err());
    }
}
