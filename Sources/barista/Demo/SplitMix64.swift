/// A small, fast, deterministic random number generator (Steele, Lea & Flood's SplitMix64).
///
/// The demo shop must be the same for the same seed on every machine and Swift version, which
/// `SystemRandomNumberGenerator` cannot promise; SplitMix64 passes BigCrush and needs 8 bytes of state.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole output is determined by `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// An independent generator for sub-stream `stream` of `seed` (one per shopper, say), so that
    /// each stream is reproducible on its own.
    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next() ^ stream
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
