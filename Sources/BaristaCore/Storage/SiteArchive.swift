import Foundation

/// What a site archive holds: every row a site has, table by table, in a layout both stores share.
///
/// An archive (`barista export-site`) is gzip'd JSON lines: a header naming the format version, the
/// site and each table's columns and row count; one line per row (`{"t":"events","v":[…]}`); a
/// trailer with the number of rows and an FNV-1a 64 checksum of every line before it. Tables come
/// in ``tables`` order, so the reader needs only a row's table to know its columns.
///
/// Profile checkpoints, the live and trained models travel as they are, with their log positions
/// (``SiteArchiveColumn/Kind/position``) mapped onto the importing store's own positions: a site
/// whose old events were purged (`retention_days`) keeps what its profiles folded in, which a
/// rebuild from the log could not give back. Derived, store-specific state (SQLite's by-profile
/// index, PostgreSQL's per-site sequence) is rebuilt by the importing store.
public enum SiteArchive {
    /// The format's name, in the header.
    public static let format = "barista-site-archive"
    /// The version this build writes and reads.
    public static let version = 1

    /// Every table of a site, in archive order. Tables holding log positions (checkpoints, models)
    /// come before `events`: the importer keeps their few rows aside and writes them after the
    /// events, once it knows where each old position landed.
    public static let tables: [SiteArchiveTable] = [
        SiteArchiveTable("sites", siteColumn: "id", order: "id", [
            .text("id"), .text("name"), .real("created_at"), .text("settings"),
        ]),
        SiteArchiveTable("api_keys", order: "prefix", [
            .text("prefix"), .text("scope"), .text("hash"), .real("created_at"), .real("revoked_at", null: true),
        ]),
        SiteArchiveTable("definitions", order: "kind, key", [
            .text("kind"), .text("key"), .text("body"), .real("created_at"), .real("updated_at"),
        ]),
        SiteArchiveTable("items", order: "item_id", [.text("item_id"), .blob("body")]),
        SiteArchiveTable("identities", order: "kind, value", [.text("kind"), .text("value"), .text("profile_id")]),
        SiteArchiveTable("checkpoints", order: "seq", [.position("seq")]),
        SiteArchiveTable("live_models", order: "seq", [.position("seq"), .blob("bytes")]),
        SiteArchiveTable("models", order: "version", [
            .text("version"), .position("trained_through"), .real("created_at"), .blob("bytes"),
        ]),
        SiteArchiveTable("events", order: "seq", [
            .position("seq"), .text("message_id"), .text("profile_id"), .text("merged_profile_id", null: true), .text("type"),
            .text("name", null: true), .real("timestamp"), .text("body"),
        ]),
        SiteArchiveTable("profiles", order: "profile_id", [.text("profile_id"), .blob("state")]),
        SiteArchiveTable("decisions", order: "decision_id", [
            .text("decision_id"), .text("experience"), .text("placement"), .text("variant", null: true), .boolean("control"),
            .boolean("holdout"), .real("probability"), .text("profile_id"), .real("at"), .text("features", null: true),
        ]),
        SiteArchiveTable("decision_conversions", order: "decision_id, message_id", [
            .text("decision_id"), .text("message_id"), .text("experience"), .real("value"), .text("profile_id"), .real("at"),
        ]),
        SiteArchiveTable("recommendation_impressions", order: "recommendation_id", [
            .text("recommendation_id"), .text("strategy"), .text("items"), .integer("item_count"), .real("created_at"),
        ]),
        SiteArchiveTable("recommendation_outcomes", order: "message_id, item_id", [
            .text("recommendation_id"), .text("message_id"), .text("item_id"), .text("kind"), .real("revenue"), .text("profile_id"),
            .real("at"),
        ]),
        SiteArchiveTable("outbox", order: "message_id", [
            .text("message_id"), .text("trigger_key"), .text("channel"), .text("profile_id"), .text("status"), .real("due_at"),
            .real("scheduled_for"), .text("items"), .integer("attempts"), .text("last_error", null: true), .text("body", null: true),
            .real("created_at"), .real("updated_at"), .real("delivered_at", null: true),
        ]),
    ]

    /// The table named `name`, when the format has one.
    public static func table(named name: String) -> SiteArchiveTable? {
        tables.first { $0.name == name }
    }
}

/// One table of a site archive: its name, the column that names the site, and the columns carried.
public struct SiteArchiveTable: Sendable, Hashable {
    /// The table's name, the same in both stores.
    public var name: String
    /// The column holding the site id (not carried: the importer writes its own).
    public var siteColumn: String
    /// The `ORDER BY` the exporter reads rows in (log order for events).
    public var order: String
    /// The carried columns, in line order.
    public var columns: [SiteArchiveColumn]

    /// A table whose rows carry `columns`; the site is in `siteColumn`.
    public init(_ name: String, siteColumn: String = "site_id", order: String, _ columns: [SiteArchiveColumn]) {
        self.name = name
        self.siteColumn = siteColumn
        self.order = order
        self.columns = columns
    }

    /// Whether rows hold log positions that the importer maps.
    public var holdsPositions: Bool { name != "events" && columns.contains { $0.kind == .position } }
}

/// One carried column: its name, kind and whether it may be NULL.
public struct SiteArchiveColumn: Sendable, Hashable {
    /// How a column's values are typed.
    public enum Kind: String, Sendable, Hashable {
        /// Text (`TEXT`, `text`).
        case text
        /// A whole number (`INTEGER`, `integer`/`bigint`).
        case integer
        /// A log position (`seq`): a whole number the importer maps onto its own log.
        case position
        /// A floating-point number (times are seconds since 1970).
        case real
        /// Bytes (`BLOB`, `bytea`), written as base64.
        case blob
        /// A truth value (SQLite's 0/1 `INTEGER`, PostgreSQL's `boolean`).
        case boolean
    }

    /// The column's name, the same in both stores.
    public var name: String
    /// Its kind.
    public var kind: Kind
    /// Whether it may be NULL.
    public var nullable: Bool

    /// A text column.
    public static func text(_ name: String, null: Bool = false) -> Self { Self(name: name, kind: .text, nullable: null) }
    /// A whole-number column.
    public static func integer(_ name: String) -> Self { Self(name: name, kind: .integer, nullable: false) }
    /// A log-position column.
    public static func position(_ name: String) -> Self { Self(name: name, kind: .position, nullable: false) }
    /// A floating-point column.
    public static func real(_ name: String, null: Bool = false) -> Self { Self(name: name, kind: .real, nullable: null) }
    /// A bytes column.
    public static func blob(_ name: String) -> Self { Self(name: name, kind: .blob, nullable: false) }
    /// A truth-value column.
    public static func boolean(_ name: String) -> Self { Self(name: name, kind: .boolean, nullable: false) }
}

/// One value of an archived row.
public enum SiteArchiveValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case boolean(Bool)

    /// The whole number, when this is one.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The text, when this is text.
    public var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}

/// An archive that cannot be read or imported; nothing was changed when it is thrown.
public enum SiteArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not an archive, a damaged one, or one of another version.
    case unreadable(String)
    /// The target already has a site of the archive's name (or keys with its keys' prefixes).
    case conflict(String)
    /// Rows read or written do not add up to the header's counts.
    case mismatch(String)

    public var description: String {
        switch self {
        case .unreadable(let reason): "not a readable site archive: \(reason)"
        case .conflict(let reason): reason
        case .mismatch(let reason): "the archive does not add up: \(reason)"
        }
    }
}

/// A store that can write a whole site into an archive and read one back.
///
/// SQLite and PostgreSQL implement it in `SQLiteStore+Archive.swift` and `PostgresStore+Archive.swift`.
public protocol SiteArchiveStore: Sendable {
    /// Writes every row of `site` to `writer`, from one consistent read of the store.
    /// - Throws: ``BaristaError/notFound(_:)`` when there is no such site; what `writer`'s output throws.
    func exportSite(_ site: SiteID, to writer: SiteArchiveWriter) async throws

    /// Imports the archive `reader` reads, in one transaction: all of it, or (on any error) nothing.
    ///
    /// - Parameters:
    ///   - reader: an archive whose header has been read.
    ///   - name: the imported site's name (the archived one when nil).
    /// - Returns: the site as imported (its id is new when the archived one is taken) and the rows per table.
    /// - Throws: ``SiteArchiveError`` for a damaged archive, a taken name or key, or counts that do not add up.
    func importSite(from reader: SiteArchiveReader, as name: String?) async throws -> SiteArchiveImport
}

/// What an import wrote.
public struct SiteArchiveImport: Sendable, Hashable {
    /// The site's id in the importing store.
    public var siteID: SiteID
    /// The site's name there.
    public var name: String
    /// Rows written, per table.
    public var counts: [String: Int]

    /// An import of `counts` rows as site `siteID`, `name`.
    public init(siteID: SiteID, name: String, counts: [String: Int]) {
        self.siteID = siteID
        self.name = name
        self.counts = counts
    }
}

extension SiteArchive {
    /// A new site id, for an archive imported where its own id is taken.
    public static func freshSiteID() -> SiteID {
        var generator = SystemRandomNumberGenerator()
        return SiteID("site_" + RandomID.string(length: 12, using: &generator))
    }

    /// The conflict thrown when the importing store already has a site named `name`.
    public static func nameTaken(_ name: String) -> SiteArchiveError {
        .conflict("a site named \(name) already exists here: import it under another name with --as NAME")
    }
}
