import CMalloc

/// How the `snapstep` process asks glibc's malloc to hold memory, set once before any command runs.
///
/// A fleet run keeps a small entry per volume for its whole length while tens of thousands of short-lived answers
/// come and go on several threads. By default glibc gives each thread an arena of its own and raises its threshold
/// for serving large blocks from the heap after each one is freed, so freed space piles up between long-lived
/// entries and the run's resident memory outgrows what it holds. Two arenas and a fixed threshold keep a
/// 10,000-volume run near its live heap. The library leaves malloc alone: a program embedding it decides for itself.
enum MemoryPolicy {
    /// Threads share at most this many arenas.
    static let arenaLimit: Int32 = 2

    /// Blocks from this size up are mapped on their own and returned to the system when freed.
    static let separateMappingThreshold: Int32 = 64 * 1024

    /// Applies the policy to this process.
    static func apply() {
        mallopt(M_ARENA_MAX, arenaLimit)
        mallopt(M_MMAP_THRESHOLD, separateMappingThreshold)
    }
}
