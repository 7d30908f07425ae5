import BaristaCore
import Foundation
import PostgresNIO

extension PostgresStore: SiteArchiveStore {
    /// Writes every row of `site` to `writer`, from one `REPEATABLE READ` transaction (one snapshot),
    /// streaming each table's rows rather than collecting them.
    public func exportSite(_ site: SiteID, to writer: SiteArchiveWriter) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            guard let name = try await connection.scalar("SELECT name FROM sites WHERE id = \(site.rawValue)", as: String.self, logger: logger) else {
                throw BaristaError.notFound("site \(site) does not exist")
            }
            var counts: [String: Int] = [:]
            for table in SiteArchive.tables {
                var query = PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.name) WHERE \(table.siteColumn) = $1")
                query.binds.append(site.rawValue)
                counts[table.name] = Int(try await connection.scalar(query, as: Int64.self, logger: logger) ?? 0)
            }
            try writer.begin(site: site, name: name, counts: counts)
            for table in SiteArchive.tables {
                let columns = table.columns.map { $0.name == "timestamp" ? "\"timestamp\"" : $0.name }.joined(separator: ", ")
                var query = PostgresQuery(unsafeSQL: "SELECT \(columns) FROM \(table.name) WHERE \(table.siteColumn) = $1 ORDER BY \(table.order)")
                query.binds.append(site.rawValue)
                for try await row in try await connection.query(query, logger: logger) {
                    let cells = row.makeRandomAccess()
                    var values: [SiteArchiveValue] = []
                    values.reserveCapacity(table.columns.count)
                    for (index, column) in table.columns.enumerated() { values.append(try Self.archiveValue(cells[index], column)) }
                    try writer.append(table.name, values)
                }
            }
            try writer.finish()
        }
    }

    /// Imports the archive in one transaction: on any error (a damaged archive, a taken name or key,
    /// counts that do not add up) it rolls back and the database is as it was. Events are renumbered
    /// 1, 2, 3… in archive order (each site has its own log positions here).
    public func importSite(from reader: SiteArchiveReader, as name: String?) async throws -> SiteArchiveImport {
        let name = name ?? reader.siteName
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            if try await connection.scalar("SELECT 1::bigint FROM sites WHERE name = \(name)", as: Int64.self, logger: logger) != nil {
                throw SiteArchive.nameTaken(name)
            }
            let taken = try await connection.scalar("SELECT 1::bigint FROM sites WHERE id = \(reader.siteID.rawValue)", as: Int64.self, logger: logger) != nil
            var plan = SiteArchiveImportPlan(reader: reader, siteID: taken ? SiteArchive.freshSiteID() : reader.siteID, name: name)
            let site = plan.siteID.rawValue
            var lastSeq: Int64 = 0
            while let batch = try plan.nextBatch(limit: 500) {
                let table = batch.table
                if table.name == "api_keys" {
                    let prefixes = batch.rows.compactMap { $0[0].textValue }
                    if let clash = try await connection.scalar(
                        "SELECT prefix FROM api_keys WHERE prefix = ANY(\(prefixes)::text[]) LIMIT 1", as: String.self, logger: logger)
                    {
                        throw SiteArchiveError.conflict("API key \(clash)… is already in this database: was the site imported here before?")
                    }
                }
                var positions: [Int64] = []
                let rows: [[SiteArchiveValue]] = table.name == "events"
                    ? batch.rows.map { row in
                        lastSeq += 1
                        positions.append(lastSeq)
                        return [.integer(lastSeq)] + row.dropFirst()
                    }
                    : batch.rows
                try await connection.execute(Self.insert(table, rows: rows, site: site), logger: logger)
                if table.name == "events" { plan.placed(positions) }
            }
            if lastSeq > 0 {
                try await connection.execute("INSERT INTO event_sequences (site_id, seq) VALUES (\(site), \(lastSeq))", logger: logger)
            }
            var counts: [String: Int] = [:]
            for table in SiteArchive.tables {
                var query = PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.name) WHERE \(table.siteColumn) = $1")
                query.binds.append(site)
                let count = Int(try await connection.scalar(query, as: Int64.self, logger: logger) ?? 0)
                guard count == reader.counts[table.name] ?? 0 else {
                    throw SiteArchiveError.mismatch("\(count) \(table.name) rows imported, the header says \(reader.counts[table.name] ?? 0)")
                }
                counts[table.name] = count
            }
            return SiteArchiveImport(siteID: plan.siteID, name: name, counts: counts)
        }
    }

    /// One multi-row `INSERT` of `rows` into `table`, each value bound and cast to its column's type.
    static func insert(_ table: SiteArchiveTable, rows: [[SiteArchiveValue]], site: String) -> PostgresQuery {
        let withSite = table.name != "sites"
        let names = (withSite ? [table.siteColumn] : []) + table.columns.map { $0.name == "timestamp" ? "\"timestamp\"" : $0.name }
        var binds = PostgresBindings(capacity: rows.count * names.count)
        var sql = "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES "
        var number = 0
        for (rowIndex, row) in rows.enumerated() {
            sql += rowIndex == 0 ? "(" : ", ("
            var cells: [String] = []
            if withSite {
                number += 1
                binds.append(site)
                cells.append("$\(number)::text")
            }
            for (value, column) in zip(row, table.columns) {
                number += 1
                switch value {
                case .null: binds.appendNull()
                case .integer(let integer): binds.append(integer)
                case .real(let real): binds.append(real)
                case .text(let text): binds.append(text)
                case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
                case .boolean(let flag): binds.append(flag)
                }
                cells.append("$\(number)::\(Self.sqlType(column, table: table))")
            }
            sql += cells.joined(separator: ", ") + ")"
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    static func sqlType(_ column: SiteArchiveColumn, table: SiteArchiveTable) -> String {
        switch column.kind {
        case .text: "text"
        case .integer: "integer"
        case .position: "bigint"
        case .real: "double precision"
        case .blob: "bytea"
        case .boolean: "boolean"
        }
    }

    static func archiveValue(_ cell: PostgresCell, _ column: SiteArchiveColumn) throws -> SiteArchiveValue {
        switch column.kind {
        case .text: try cell.decode(String?.self).map { .text($0) } ?? .null
        case .integer, .position: try cell.decode(Int64?.self).map { .integer($0) } ?? .null
        case .real: try cell.decode(Double?.self).map { .real($0) } ?? .null
        case .blob: try cell.decode(ByteBuffer?.self).map { .blob($0.bytes) } ?? .null
        case .boolean: try cell.decode(Bool?.self).map { .boolean($0) } ?? .null
        }
    }
}
