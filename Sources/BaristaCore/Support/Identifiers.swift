import Foundation
import Synchronization

/// A site: one tenant (a brand or a shop). Every key, event, profile and item belongs to one.
public struct SiteID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The id as text (`site_…`).
    public var rawValue: String
    /// Wraps a site id's text, unchecked.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a site id's text, unchecked; the same as ``init(rawValue:)``.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The id's text, so the id prints and interpolates as it is.
    public var description: String { rawValue }
}

/// Barista's own id of a person's profile (`prf_…`), stable across identify and alias merges.
public struct ProfileID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The id as text (`prf_…` for every profile Barista creates).
    public var rawValue: String
    /// Wraps a profile id's text, unchecked.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a profile id's text, unchecked; the same as ``init(rawValue:)``.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The id's text, so the id prints and interpolates as it is.
    public var description: String { rawValue }
    /// Orders profile ids by their text, the order profile lists page in.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A new random profile id.
    public static func generate() -> ProfileID {
        var generator = SystemRandomNumberGenerator()
        return ProfileID("prf_" + RandomID.string(length: 20, using: &generator))
    }
}

/// A catalog item's id, as the shop names it (`sku-1`, `85123A`).
public struct ItemID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The id as text, exactly as the shop sent it.
    public var rawValue: String
    /// Wraps an item id's text, unchecked.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps an item id's text, unchecked; the same as ``init(rawValue:)``.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The id's text, so the id prints and interpolates as it is.
    public var description: String { rawValue }
    /// Orders item ids by their text.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Random identifiers from an unambiguous lowercase alphabet.
public enum RandomID {
    static let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789".utf8)

    /// A random string of `length` characters drawn from `generator`: each 64-bit draw gives 12
    /// characters (5 bits each: the alphabet has 32 letters, so every character is uniform).
    public static func string(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        var bits: UInt64 = 0, left = 0
        for _ in 0..<length {
            if left == 0 {
                bits = generator.next()
                left = 12
            }
            bytes.append(alphabet[Int(bits & 31)])
            bits >>= 5
            left -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A random string of `length` characters from the system's secure generator.
    public static func string(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return string(length: length, using: &generator)
    }

    /// A random string for ids that must be unique but need not be secret (`rec_…` answers,
    /// generated `message_id`s): drawn from a fast generator seeded once from the system's, so it
    /// costs no system call. Keys use ``string(length:)``.
    public static func unique(length: Int) -> String {
        fast.withLock { string(length: length, using: &$0) }
    }

    /// A unique id whose text sorts by creation time (to the millisecond): `prefix`, 9 characters of
    /// the Unix time in milliseconds (base 32, most significant first), then 12 random characters.
    /// Stores append such ids to their indexes instead of inserting them at random.
    public static func timeOrdered(prefix: String, at time: Double = Date().timeIntervalSince1970) -> String {
        var millis = UInt64(max(0, time * 1000))
        var head = [UInt8](repeating: 0, count: 9)
        for position in stride(from: 8, through: 0, by: -1) {
            head[position] = sortable[Int(millis & 31)]
            millis >>= 5
        }
        return prefix + String(decoding: head, as: UTF8.self) + unique(length: 12)
    }

    /// 32 digits in ascending byte order, so that texts sort as the numbers they write.
    static let sortable = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    private static let fast: Mutex<Xoshiro256> = {
        var system = SystemRandomNumberGenerator()
        return Mutex(Xoshiro256(seed: (system.next(), system.next(), system.next(), system.next())))
    }()
}

/// xoshiro256** (Blackman and Vigna): a small, fast, non-cryptographic generator.
struct Xoshiro256: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(seed: (UInt64, UInt64, UInt64, UInt64)) {
        s = seed
        if s == (0, 0, 0, 0) { s.0 = 0x9E37_79B9_7F4A_7C15 }
    }

    mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }
}
