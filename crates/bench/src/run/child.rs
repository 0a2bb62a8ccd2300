//! Child processes measured from outside: wall time, and peak resident
//! memory and CPU time from the kernel (`wait4`'s rusage), plus the
//! current and peak RSS of a running child from /proc.

use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How a finished child ran.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Usage {
    pub wall_s: f64,
    /// Peak resident set of the child (kernel's ru_maxrss), MB.
    pub peak_rss_mb: f64,
    pub user_s: f64,
    pub sys_s: f64,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
}

impl Usage {
    pub fn ok(&self) -> bool {
        self.exit_code == Some(0)
    }
}

pub struct Running {
    pid: libc::pid_t,
    started: Instant,
    // Kept so the handles stay open; reaped by `wait4`, not by `Child::wait`.
    _child: Child,
}

fn tv(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

impl Running {
    pub fn spawn(cmd: &mut Command) -> Result<Running> {
        let started = Instant::now();
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {:?}", cmd.get_program()))?;
        Ok(Running {
            pid: child.id() as libc::pid_t,
            started,
            _child: child,
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid as u32
    }

    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// A field of /proc/PID/status in kB (`VmRSS`, `VmHWM`).
    fn status_kb(&self, field: &str) -> Option<u64> {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        s.lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    }

    /// Resident memory now, MB.
    pub fn rss_mb(&self) -> Option<f64> {
        self.status_kb("VmRSS").map(|kb| kb as f64 / 1024.0)
    }

    /// Peak resident memory so far, MB.
    pub fn hwm_mb(&self) -> Option<f64> {
        self.status_kb("VmHWM").map(|kb| kb as f64 / 1024.0)
    }

    fn reap(&self, flags: libc::c_int) -> Result<Option<Usage>> {
        let mut status: libc::c_int = 0;
        // SAFETY: `rusage` is plain data the kernel fills; zeroed is valid.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child with valid out-pointers.
        let r = unsafe { libc::wait4(self.pid, &mut status, flags, &mut ru) };
        if r == 0 {
            return Ok(None);
        }
        if r < 0 {
            bail!("wait4({}): {}", self.pid, std::io::Error::last_os_error());
        }
        let (exit_code, signal) = if libc::WIFEXITED(status) {
            (Some(libc::WEXITSTATUS(status)), None)
        } else if libc::WIFSIGNALED(status) {
            (None, Some(libc::WTERMSIG(status)))
        } else {
            (None, None)
        };
        Ok(Some(Usage {
            wall_s: self.elapsed(),
            // Linux reports ru_maxrss in kB.
            peak_rss_mb: ru.ru_maxrss as f64 / 1024.0,
            user_s: tv(ru.ru_utime),
            sys_s: tv(ru.ru_stime),
            exit_code,
            signal,
        }))
    }

    /// Whether the child has exited (without reaping it... it is reaped:
    /// use the returned usage).
    pub fn try_wait(&self) -> Result<Option<Usage>> {
        self.reap(libc::WNOHANG)
    }

    /// Wait for the child to exit.
    pub fn wait(self) -> Result<Usage> {
        Ok(self.reap(0)?.expect("a blocking wait4 returns a status"))
    }

    /// SIGTERM, then SIGKILL after `grace`.
    pub fn terminate(self, grace: Duration) -> Result<Usage> {
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(self.pid, libc::SIGTERM) };
        let until = Instant::now() + grace;
        loop {
            if let Some(u) = self.reap(libc::WNOHANG)? {
                return Ok(u);
            }
            if Instant::now() > until {
                // SAFETY: as above.
                unsafe { libc::kill(self.pid, libc::SIGKILL) };
                return self.wait();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Run a command to its end.
pub fn run(cmd: &mut Command) -> Result<Usage> {
    Running::spawn(cmd)?.wait()
}
