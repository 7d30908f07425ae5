import Foundation

/// A tenant: one brand or shop, with its own keys, settings, catalog and people.
public struct Site: Sendable, Hashable, Codable {
    public var id: SiteID
    public var name: String
    public var createdAt: Date
    public var settings: SiteSettings

    public init(id: SiteID, name: String, createdAt: Date, settings: SiteSettings = SiteSettings()) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.settings = settings
    }

    /// Whether `name` is a usable site name: 1–64 letters, digits, `-`, `_` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}

/// What a key may do (API.md): a secret key everything, a publishable key only the browser-safe calls.
public enum KeyScope: String, Sendable, Hashable, Codable {
    case secret, publishable

    /// The prefix of keys of this scope.
    public var prefix: String { self == .secret ? "sk_" : "pk_" }
}

/// A stored API key: only a hash of the secret part is kept; the key itself is shown once.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    /// The first characters of the key (`sk_3fk9a2`), shown in listings and used to revoke it.
    public var prefix: String
    public var siteID: SiteID
    public var scope: KeyScope
    /// Hex SHA-256 of the whole key.
    public var hash: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(prefix: String, siteID: SiteID, scope: KeyScope, hash: String, createdAt: Date, revokedAt: Date? = nil) {
        self.prefix = prefix
        self.siteID = siteID
        self.scope = scope
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// How many characters of a key its prefix keeps.
    public static let prefixLength = 11
}
