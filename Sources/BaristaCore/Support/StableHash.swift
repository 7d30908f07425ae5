/// A hash that is the same in every process, on every node and after every restart (Swift's
/// `Hasher` is seeded per process): what sticky assignments and holdouts are drawn from.
public enum StableHash {
    /// FNV-1a, 64 bits, over the UTF-8 bytes of `parts` joined by a 0x1F separator.
    public static func fnv1a(_ parts: String...) -> UInt64 { fnv1a(parts) }

    /// The same hash over an array of parts.
    public static func fnv1a(_ parts: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, part) in parts.enumerated() {
            if index > 0 { hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3 }
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        // A final mix (splitmix64's), so that nearby inputs spread over the whole range.
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    /// A number in [0, 1) drawn from `parts`: the same parts always give the same number.
    public static func unit(_ parts: String...) -> Double {
        Double(fnv1a(parts) >> 11) / Double(1 << 53)
    }
}
