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

/// The calling thread at nice 19 (on Linux the nice value is a thread's,
/// so the rest of the server keeps its priority).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid takes no arguments and returns this thread's id.
    set_nice(unsafe { libc::syscall(libc::SYS_gettid) } as libc::id_t, 19);
}

/// Every thread of this process, and those it starts later, at nice
/// `nice`: for batch work (an import beside a running server) that should
/// take only the CPU requests leave. Linux keeps a nice value per thread,
/// so each thread already running is lowered by its id; when the threads
/// cannot be listed, that is said and the priority left as it was.
pub fn lower_process_priority(nice: i32) {
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
                .and_then(|t| t.parse::<libc::id_t>().ok())
            {
                set_nice(tid, nice);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

/// Thread `tid` of this process at nice `nice`.
#[cfg(target_os = "linux")]
fn set_nice(tid: libc::id_t, nice: i32) {
    // SAFETY: setpriority only reads its arguments; raising a thread's
    // nice value needs no privilege.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, tid, nice);
    }
}
