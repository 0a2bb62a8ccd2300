//! Child processes measured from outside: wall time, and peak resident
//! memory and CPU time from the kernel (`wait4`'s rusage), plus the
//! current and peak RSS of a running child from /proc.

use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a finished child ran.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Usage {
    pub wall_s: f64,
    /// Peak resident set of the child (kernel's ru_maxrss), MB.
    pub peak_rss_mb: f64,
    /// Anonymous and file-backed resident memory (`RssAnon`, `RssFile`)
    /// at the largest resident set sampled from /proc every 250 ms, MB: a
    /// peak made of mapped index files (page cache the kernel can take
    /// back) is not one of heap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_split_mb: Option<(f64, f64)>,
    pub user_s: f64,
    pub sys_s: f64,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
}

impl Usage {
    pub fn ok(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// `" (anon A + file F MB at the peak)"`, or nothing when not sampled.
    pub fn peak_split(&self) -> String {
        self.peak_split_mb
            .map(|(a, f)| format!(" (anon {a:.0} + file {f:.0} MB at the peak)"))
            .unwrap_or_default()
    }
}

/// Limits that protect the shared machine: a child over them is killed
/// and the reason kept for the report (a finding, not a crash of the run).
#[derive(Clone, Debug, Default)]
pub struct Guard {
    /// Kill the child above this resident memory.
    pub rss_mb: Option<f64>,
    /// Kill the child when the disk holding `disk` has less free space.
    pub min_free_gb: Option<f64>,
    pub disk: PathBuf,
}

pub struct Running {
    pid: libc::pid_t,
    started: Instant,
    // Kept so the handles stay open; reaped by `wait4`, not by `Child::wait`.
    _child: Child,
    reaped: Arc<AtomicBool>,
    killed: Arc<Mutex<Option<String>>>,
    /// The largest sampled `VmRSS` and the `RssAnon`, `RssFile` beside it, kB.
    peak: Arc<Mutex<(u64, u64, u64)>>,
}

/// Free space of the file system holding `p`, GB.
pub fn free_gb(p: &Path) -> Option<f64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statvfs` is plain data the call fills; zeroed is valid.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid C string and out-pointer.
    let r = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    (r == 0).then(|| st.f_bavail as f64 * st.f_frsize as f64 / 1e9)
}

fn status_kb(pid: libc::pid_t, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    field_kb(&s, field)
}

fn field_kb(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Keep in `peak` the largest `VmRSS` of `pid` seen so far with its
/// `RssAnon` and `RssFile`. Returns the `VmRSS` read, kB (for the guard:
/// one read of /proc per sample).
fn sample_peak(pid: libc::pid_t, peak: &Mutex<(u64, u64, u64)>) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = field_kb(&s, "VmRSS")?;
    if let (Some(anon), Some(file)) = (field_kb(&s, "RssAnon"), field_kb(&s, "RssFile"))
        && let Ok(mut p) = peak.lock()
        && rss > p.0
    {
        *p = (rss, anon, file);
    }
    Some(rss)
}

fn tv(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

impl Running {
    pub fn spawn(cmd: &mut Command) -> Result<Running> {
        Self::spawn_guarded(cmd, &Guard::default())
    }

    /// Start `cmd` with a watchdog that kills it past `guard`'s limits.
    pub fn spawn_guarded(cmd: &mut Command, guard: &Guard) -> Result<Running> {
        let started = Instant::now();
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {:?}", cmd.get_program()))?;
        let run = Running {
            pid: child.id() as libc::pid_t,
            started,
            _child: child,
            reaped: Arc::default(),
            killed: Arc::default(),
            peak: Arc::default(),
        };
        {
            let started = run.started;
            let (pid, reaped, killed, peak, g) = (
                run.pid,
                run.reaped.clone(),
                run.killed.clone(),
                run.peak.clone(),
                guard.clone(),
            );
            std::thread::spawn(move || {
                while !reaped.load(Ordering::SeqCst) {
                    let rss = sample_peak(pid, &peak).map(|kb| kb as f64 / 1024.0);
                    let why = match (g.rss_mb, rss, g.min_free_gb, free_gb(&g.disk)) {
                        (Some(lim), Some(rss), _, _) if rss > lim => Some(format!(
                            "killed by the harness: resident memory {rss:.0} MB passed the limit of {lim:.0} MB"
                        )),
                        (_, _, Some(min), Some(free)) if free < min => Some(format!(
                            "killed by the harness: free disk {free:.1} GB fell below {min:.1} GB"
                        )),
                        _ => None,
                    };
                    if let Some(why) = why {
                        let why = format!(
                            "{why}, {:.0} s after it started",
                            started.elapsed().as_secs_f64()
                        );
                        if let Ok(mut k) = killed.lock() {
                            *k = Some(why);
                        }
                        if !reaped.load(Ordering::SeqCst) {
                            // SAFETY: signalling our own, not yet reaped child.
                            unsafe { libc::kill(pid, libc::SIGKILL) };
                        }
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            });
        }
        Ok(run)
    }

    /// Why the watchdog killed the child, if it did.
    pub fn killed_by_guard(&self) -> Option<String> {
        self.killed.lock().ok()?.clone()
    }

    pub fn pid(&self) -> u32 {
        self.pid as u32
    }

    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Resident memory now, MB.
    pub fn rss_mb(&self) -> Option<f64> {
        status_kb(self.pid, "VmRSS").map(|kb| kb as f64 / 1024.0)
    }

    /// Peak resident memory so far, MB.
    pub fn hwm_mb(&self) -> Option<f64> {
        status_kb(self.pid, "VmHWM").map(|kb| kb as f64 / 1024.0)
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
        self.reaped.store(true, Ordering::SeqCst);
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
            peak_split_mb: self
                .peak
                .lock()
                .ok()
                .filter(|p| p.0 > 0)
                .map(|p| (p.1 as f64 / 1024.0, p.2 as f64 / 1024.0)),
            user_s: tv(ru.ru_utime),
            sys_s: tv(ru.ru_stime),
            exit_code,
            signal,
        }))
    }

    /// The usage if the child has exited (it is then reaped).
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

/// Run a command to its end under `guard`, telling `say` how it goes every
/// `every` (a long import shows progress). Returns the usage and, if the
/// watchdog killed it, why.
pub fn run_watched(
    cmd: &mut Command,
    guard: &Guard,
    every: Duration,
    mut say: impl FnMut(String),
) -> Result<(Usage, Option<String>)> {
    let run = Running::spawn_guarded(cmd, guard)?;
    let mut next = every;
    loop {
        if let Some(u) = run.try_wait()? {
            return Ok((u, run.killed_by_guard()));
        }
        let t = run.started.elapsed();
        if t >= next {
            say(format!(
                "… {:.0} s, RSS {:.0} MB (peak {:.0} MB), disk free {:.1} GB",
                t.as_secs_f64(),
                run.rss_mb().unwrap_or_default(),
                run.hwm_mb().unwrap_or_default(),
                free_gb(&guard.disk).unwrap_or_default()
            ));
            next += every;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_field_is_read_by_its_whole_name() {
        let s = "VmHWM:\t  2600820 kB\nVmRSS:\t  2503580 kB\nRssAnon:\t  814716 kB\n";
        assert_eq!(field_kb(s, "VmRSS"), Some(2_503_580));
        assert_eq!(field_kb(s, "RssAnon"), Some(814_716));
        assert_eq!(field_kb(s, "VmRS"), None);
        assert_eq!(field_kb(s, "RssFile"), None);
    }

    /// The kernel's resident set is its anonymous, file and shared parts:
    /// the split kept at the peak adds up to the peak (this process).
    #[test]
    fn the_peak_split_adds_up_to_the_resident_set() {
        let peak = Mutex::new((0, 0, 0));
        sample_peak(std::process::id() as libc::pid_t, &peak);
        let (rss, anon, file) = *peak.lock().unwrap();
        assert!(rss > 0);
        let shmem = status_kb(std::process::id() as libc::pid_t, "RssShmem").unwrap_or(0);
        // Sampled apart from the shared part: allow the few pages between.
        assert!(
            (anon + file + shmem).abs_diff(rss) < 1024,
            "{rss} {anon} {file} {shmem}"
        );
    }
}
