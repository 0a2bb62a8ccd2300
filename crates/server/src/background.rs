//! Work that prepares the server's next state (the catalog after an
//! import, the search index catching up) while requests are answered.
//!
//! Such work is CPU-bound and nobody waits for it: it runs on a thread of
//! its own at the lowest CPU priority, so that on a busy machine (the
//! import beside the server shares its cores) requests get the cores
//! first, and never on the runtime's workers, where it would hold up the
//! requests queued behind it. The result is swapped in when ready.

/// `f` on a new low-priority thread; its result, once done.
pub async fn run<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            lower_priority();
            let _ = tx.send(f());
        })?;
    Ok(rx.await?)
}

/// Drop `old` on a low-priority thread once no one else holds it: freeing
/// a catalog of hundreds of thousands of entries takes tens of
/// milliseconds, which the request that let go of it last would otherwise
/// spend.
pub fn drop_later<T: Send + Sync + 'static>(old: std::sync::Arc<T>) {
    let spawned = std::thread::Builder::new()
        .name("eligo-drop".into())
        .spawn(move || {
            lower_priority();
            while std::sync::Arc::strong_count(&old) > 1 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            drop(old);
        });
    if let Err(e) = spawned {
        tracing::warn!("no thread to free the old catalog: {e}");
    }
}

/// The calling thread at the lowest CPU priority ([`set_idle`]; on Linux
/// the scheduling policy is a thread's, so the rest of the server keeps
/// its priority).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid takes no arguments and returns this thread's id.
    set_idle(unsafe { libc::syscall(libc::SYS_gettid) } as libc::pid_t);
}

/// Every thread of this process, and those it starts later, at the lowest
/// CPU priority ([`set_idle`]): for batch work (an import beside a running
/// server) that should take only the CPU requests leave. Linux keeps the
/// policy per thread, so each thread already running is lowered by its
/// id; when the threads cannot be listed, that is said and the priority
/// left as it was.
pub fn lower_process_priority() {
    #[cfg(target_os = "linux")]
    {
        let tasks = match std::fs::read_dir("/proc/self/task") {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("CPU priority left as it was: /proc/self/task: {e}");
                return;
            }
        };
        for task in tasks.flatten() {
            if let Some(tid) = task
                .file_name()
                .to_str()
                .and_then(|t| t.parse::<libc::pid_t>().ok())
            {
                set_idle(tid);
            }
        }
    }
}

/// Thread `tid` of this process under `SCHED_IDLE`, else at nice 19.
///
/// Under a nice value a thread still takes its (small) share of a core
/// for a whole time slice before a request thread that wakes up gets it
/// back; a `SCHED_IDLE` thread is preempted at once by any ordinary thread
/// that wakes (the kernel's wakeup check), so requests wait for no slice
/// of it. Threads it starts inherit the policy. Needs no privilege.
#[cfg(target_os = "linux")]
fn set_idle(tid: libc::pid_t) {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: sched_setscheduler reads `param`, which outlives the call;
    // moving a thread to SCHED_IDLE needs no privilege.
    if unsafe { libc::sched_setscheduler(tid, libc::SCHED_IDLE, &param) } == 0 {
        return;
    }
    // SAFETY: setpriority only reads its arguments; raising a thread's
    // nice value needs no privilege.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The scheduling policy of the calling thread, as the kernel reports it.
    fn policy() -> i32 {
        // SAFETY: sched_getscheduler(0) only reads the calling thread's policy.
        unsafe { libc::sched_getscheduler(0) }
    }

    #[tokio::test]
    async fn background_work_runs_idle_and_leaves_the_caller_as_it_was() {
        let before = policy();
        let inside = super::run("eligo-test", policy).await.unwrap();
        assert_eq!(inside, libc::SCHED_IDLE);
        assert_eq!(policy(), before);
        assert_ne!(before, libc::SCHED_IDLE);
    }

    #[tokio::test]
    async fn threads_started_by_background_work_inherit_its_policy() {
        let child = super::run("eligo-test", || std::thread::spawn(policy).join().unwrap())
            .await
            .unwrap();
        assert_eq!(child, libc::SCHED_IDLE);
    }
}
