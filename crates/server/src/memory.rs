//! Giving memory back to the system after load.
//!
//! With glibc's allocator, the server's resident memory stayed at its peak
//! after a connection flood or a very large page (measured with
//! `tools/memory.py`, figures in docs/server.md): freed memory stays in
//! the per-thread arenas, and after a large buffer is freed glibc raises
//! its mmap threshold (up to 32 MiB), so the next large buffers come from
//! an arena and stay resident too. Two settings bound that: the mmap
//! threshold is fixed at 1 MiB (large buffers are always mapped and
//! unmapped when freed), and free arena memory is returned every few
//! seconds (`malloc_trim`). Elsewhere than Linux with glibc both do nothing.

use std::time::Duration;

/// How often free arena memory is given back.
pub const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Fix the mmap threshold (call once, before serving).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; any value is valid.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Return free arena memory to the system every [`TRIM_EVERY`], forever.
pub async fn trim_periodically() {
    loop {
        tokio::time::sleep(TRIM_EVERY).await;
        let _ = tokio::task::spawn_blocking(|| {
            let t = std::time::Instant::now();
            trim();
            let ms = t.elapsed().as_secs_f64() * 1e3;
            if ms >= 1.0 {
                tracing::info!(ms, "malloc_trim");
            }
        })
        .await;
    }
}

fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim walks the allocator's own free lists; it takes
    // the arena locks like any allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}
