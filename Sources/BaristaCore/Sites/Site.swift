import Foundation

/// A tenant: one brand or shop, with its own keys, settings, catalog and people.
public struct Site: Sendable, Hashable, Codable {
    /// Barista's id of the site (`site_…`), carried by every key, event, profile and item of it.
    public var id: SiteID
    /// The site's unique name, as given to `barista sites create` and `--site`.
    public var name: String
    /// When the site was created.
    public var createdAt: Date
    /// The site's settings (`GET/PATCH /v1/settings`).
    public var settings: SiteSettings

    /// A site; its settings default to API.md's defaults.
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
    /// `secret` keys (`sk_…`) may call everything; `publishable` keys (`pk_…`) only the browser-safe calls.
    case secret, publishable

    /// The prefix of keys of this scope.
    public var prefix: String { self == .secret ? "sk_" : "pk_" }
}

/// A stored API key: only a hash of the secret part is kept; the key itself is shown once.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    /// The first characters of the key (`sk_3fk9a2`), shown in listings and used to revoke it.
    public var prefix: String
    /// The site every request made with this key acts on.
    public var siteID: SiteID
    /// Whether the key may call everything (`secret`) or only the browser-safe calls (`publishable`).
    public var scope: KeyScope
    /// Hex SHA-256 of the whole key.
    public var hash: String
    /// When the key was created.
    public var createdAt: Date
    /// When the key was revoked; nil while it is valid.
    public var revokedAt: Date?

    /// A key record; `hash` is the hex SHA-256 of the whole key, never the key itself.
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
