import Foundation

/// How a long-running Barista process keeps its resident memory close to what it uses.
///
/// On Linux, glibc's allocator keeps the memory a program frees for later reuse, in one of
/// several *arenas*: by default up to 8 per core, each used by the threads that happened to
/// allocate there. Every arena keeps the free memory of its own peak, so resident memory grows
/// for as long as arenas keep reaching new peaks, while the memory actually in use stays flat.
/// `barista serve` and `barista demo` therefore cap the arenas at start and hand freed memory
/// back after each training. Elsewhere (macOS, musl) both calls do nothing.
public enum ProcessMemory {
    /// The arena cap for a machine with `cores` cores, or nil when the environment already sets
    /// one (`MALLOC_ARENA_MAX`, or `arena_max` in `GLIBC_TUNABLES`), which then wins.
    ///
    /// One arena per core, and at least two. Measured in the 10-minute soak on 2 cores
    /// (`scripts/soak.sh --seconds 600`): with glibc's default of 16 arenas the heap in use stayed
    /// at 85 MB from the first minute to the last, while the arenas' free memory grew from 56 to
    /// 104 MB and resident memory climbed +4.1 MB/min; with 2 arenas resident memory stayed at
    /// 149 MB (+0.15 MB/min) at the same throughput and p99.
    public static func arenaLimit(environment: [String: String], cores: Int) -> Int? {
        if environment["MALLOC_ARENA_MAX"] != nil { return nil }
        if let tunables = environment["GLIBC_TUNABLES"], tunables.contains("glibc.malloc.arena_max") { return nil }
        return max(2, cores)
    }

    /// Caps glibc's arenas at ``arenaLimit(environment:cores:)`` for this process and machine.
    /// Call it first thing, before threads allocate: arenas already made stay.
    ///
    /// - Returns: the cap set, or nil when the environment sets one or the platform has none.
    @discardableResult
    public static func limitMallocArenas() -> Int? {
        #if os(Linux) && canImport(Glibc)
        guard let limit = arenaLimit(environment: ProcessInfo.processInfo.environment, cores: ProcessInfo.processInfo.activeProcessorCount)
        else { return nil }
        return glibcMallopt(mArenaMax, Int32(limit)) == 1 ? limit : nil
        #else
        return nil
        #endif
    }

    /// Hands the memory freed since the last call back to the system. Without it resident memory
    /// stays at the peak of whatever freed it (a training's is the largest).
    public static func returnFreedMemory() {
        #if os(Linux) && canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux) && canImport(Glibc)
/// `M_ARENA_MAX` in glibc's `malloc.h`.
private let mArenaMax: Int32 = -8

// glibc's `mallopt` and `malloc_trim`, which its Swift module map does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
