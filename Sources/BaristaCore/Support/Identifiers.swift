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

    /// A random string of `length` characters drawn from `generator`.
    public static func string(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        for _ in 0..<length {
            bytes.append(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A random string of `length` characters from the system's secure generator.
    public static func string(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return string(length: length, using: &generator)
    }
}
