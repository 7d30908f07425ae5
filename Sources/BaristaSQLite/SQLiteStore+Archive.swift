import BaristaCore
import Foundation
import GRDB

extension SQLiteStore: SiteArchiveStore {
    /// Writes every row of `site` to `writer`, all from one read transaction (one snapshot of the file).
    ///
    /// GRDB's synchronous access runs on the calling thread: the archive's writer and reader are
    /// plain (non-`Sendable`) streams that cannot cross into GRDB's async closures. Meant for the
    /// command line, where nothing else waits on this thread.
    public func exportSite(_ site: SiteID, to writer: SiteArchiveWriter) async throws {
        try exportSiteBlocking(site, to: writer)
    }

    /// Imports the archive in one write transaction: on any error (a damaged archive, a taken name or
    /// key, counts that do not add up) it rolls back and the file is as it was. Blocks the calling
    /// thread, as ``exportSite(_:to:)`` does.
    public func importSite(from reader: SiteArchiveReader, as name: String?) async throws -> SiteArchiveImport {
        try importSiteBlocking(from: reader, as: name)
    }

    private func exportSiteBlocking(_ site: SiteID, to writer: SiteArchiveWriter) throws {
        try self.writer.read { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM sites WHERE id = ?", arguments: [site.rawValue]) else {
                throw BaristaError.notFound("site \(site) does not exist")
            }
            var counts: [String: Int] = [:]
            for table in SiteArchive.tables {
                counts[table.name] = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM \(table.name) WHERE \(table.siteColumn) = ?", arguments: [site.rawValue]) ?? 0
            }
            try writer.begin(site: site, name: name, counts: counts)
            for table in SiteArchive.tables {
                // The log by its rowid (`+site_id` keeps SQLite from sorting the message-id index's rows).
                let filter = table.name == "events" ? "+site_id" : table.siteColumn
                let cursor = try Row.fetchCursor(
                    db, sql: "SELECT \(table.columns.map(\.name).joined(separator: ", ")) FROM \(table.name) WHERE \(filter) = ? ORDER BY \(table.order)",
                    arguments: [site.rawValue])
                while let row = try cursor.next() {
                    try writer.append(table.name, table.columns.indices.map { Self.archiveValue(row[$0] as DatabaseValue, table.columns[$0]) })
                }
            }
            try writer.finish()
        }
    }

    private func importSiteBlocking(from reader: SiteArchiveReader, as name: String?) throws -> SiteArchiveImport {
        let name = name ?? reader.siteName
        return try writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM sites WHERE name = ?", arguments: [name]) == true {
                throw SiteArchive.nameTaken(name)
            }
            let taken = try Bool.fetchOne(db, sql: "SELECT 1 FROM sites WHERE id = ?", arguments: [reader.siteID.rawValue]) == true
            var plan = SiteArchiveImportPlan(reader: reader, siteID: taken ? SiteArchive.freshSiteID() : reader.siteID, name: name)
            let site = plan.siteID.rawValue
            while let batch = try plan.nextBatch(limit: 1000) {
                let table = batch.table
                if table.name == "api_keys" {
                    for row in batch.rows {
                        if let prefix = row[0].textValue,
                            try Bool.fetchOne(db, sql: "SELECT 1 FROM api_keys WHERE prefix = ?", arguments: [prefix]) == true
                        {
                            throw SiteArchiveError.conflict("API key \(prefix)… is already in this database: was the site imported here before?")
                        }
                    }
                }
                // Events take new log positions (the rowid), in archive order; their old one is not stored.
                let columns = table.name == "events" ? Array(table.columns.dropFirst()) : table.columns
                let names = (table.name == "sites" ? [] : [table.siteColumn]) + columns.map(\.name)
                let statement = try db.cachedStatement(
                    sql: "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))")
                var positions: [Int64] = []
                for row in batch.rows {
                    let values = (table.name == "events" ? Array(row.dropFirst()) : row).map(Self.databaseValue)
                    try statement.execute(arguments: StatementArguments(table.name == "sites" ? values : [site.databaseValue] + values))
                    if table.name == "events" { positions.append(db.lastInsertedRowID) }
                }
                if table.name == "events" { plan.placed(positions) }
            }
            var counts: [String: Int] = [:]
            for table in SiteArchive.tables {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name) WHERE \(table.siteColumn) = ?", arguments: [site]) ?? 0
                guard count == reader.counts[table.name] ?? 0 else {
                    throw SiteArchiveError.mismatch("\(count) \(table.name) rows imported, the header says \(reader.counts[table.name] ?? 0)")
                }
                counts[table.name] = count
            }
            return SiteArchiveImport(siteID: plan.siteID, name: name, counts: counts)
        }
    }

    static func archiveValue(_ value: DatabaseValue, _ column: SiteArchiveColumn) -> SiteArchiveValue {
        switch (value.storage, column.kind) {
        case (.null, _): .null
        case (.int64(let number), .boolean): .boolean(number != 0)
        case (.int64(let number), .real): .real(Double(number))
        case (.int64(let number), _): .integer(number)
        case (.double(let number), .integer), (.double(let number), .position): .integer(Int64(number))
        case (.double(let number), _): .real(number)
        case (.string(let text), .blob): .blob(Array(text.utf8))
        case (.string(let text), _): .text(text)
        case (.blob(let data), .text): .text(String(decoding: data, as: UTF8.self))
        case (.blob(let data), _): .blob(Array(data))
        }
    }

    static func databaseValue(_ value: SiteArchiveValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        case .boolean(let flag): (flag ? 1 : 0).databaseValue
        }
    }
}
