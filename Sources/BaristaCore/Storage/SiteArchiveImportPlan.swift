import Foundation

/// What a store's import writes, batch by batch: the archive's rows with the site renamed and
/// re-identified, and every log position mapped onto the importing store's log.
///
/// A store loops on ``nextBatch(limit:)``, inserts each batch (adding its site column), and for
/// `events` reports the positions it gave them with ``placed(_:)``. Rows holding positions
/// (checkpoints, models) are held back until the events are in, then mapped: an old position
/// becomes the new position of the last event at or before it, so "the checkpoint includes every
/// event up to here" stays true, and the log keeps its order.
public struct SiteArchiveImportPlan {
    /// The site as it is imported.
    public let siteID: SiteID
    /// Its name in the importing store.
    public let name: String

    private let reader: SiteArchiveReader
    private typealias Row = (table: SiteArchiveTable, values: [SiteArchiveValue])
    /// Rows read and not yet returned, in order; `held` ones get their positions mapped when returned.
    private var queue: [(row: Row, held: Bool)] = []
    private var held: [Row] = []
    private var mapped: [Int64: Int64] = [:]
    private var lastOld: Int64 = .min
    private var pendingEvents: [Int64] = []

    /// A plan to import `reader`'s site as `siteID`, named `name`.
    public init(reader: SiteArchiveReader, siteID: SiteID, name: String) {
        self.reader = reader
        self.siteID = siteID
        self.name = name
    }

    /// The next rows to insert, all of one table, at most `limit`; nil when the archive is done (and sound).
    /// - Throws: ``SiteArchiveError`` for a damaged archive or events out of log order.
    public mutating func nextBatch(limit: Int) throws -> (table: SiteArchiveTable, rows: [[SiteArchiveValue]])? {
        precondition(pendingEvents.isEmpty, "placed(_:) must report the positions of the last batch of events")
        guard try fill() else { return nil }
        let table = queue[0].row.table
        var rows: [[SiteArchiveValue]] = []
        while rows.count < limit, try fill(), queue[0].row.table.name == table.name {
            let (row, held) = queue.removeFirst()
            rows.append(held ? positionsMapped(row).values : row.values)
        }
        if table.name == "events" {
            for row in rows {
                guard let old = row[0].integerValue, old > lastOld else {
                    throw SiteArchiveError.unreadable("events are not in log order")
                }
                lastOld = old
                pendingEvents.append(old)
            }
        }
        return (table, rows)
    }

    /// Records the positions the store gave the last batch of events, in the same order.
    public mutating func placed(_ positions: [Int64]) {
        precondition(positions.count == pendingEvents.count, "one position per event")
        for (old, new) in zip(pendingEvents, positions) {
            for key in mapped.keys where key >= old { mapped[key] = new }
        }
        pendingEvents.removeAll(keepingCapacity: true)
    }

    /// Reads until a row is queued; false at the end of the archive.
    private mutating func fill() throws -> Bool {
        while queue.isEmpty {
            guard let row = try reader.next() else {
                queue = held.map { ($0, true) }
                held.removeAll()
                return !queue.isEmpty
            }
            if row.table.holdsPositions {
                // Every position it holds starts as "before every event", raised as events are placed.
                for (value, column) in zip(row.values, row.table.columns) where column.kind == .position {
                    if let old = value.integerValue { mapped[old] = mapped[old] ?? 0 }
                }
                held.append(row)
            } else if !held.isEmpty, Self.followsEvents(row.table) {
                // Mapped when taken: in a later batch than the last events, which are placed by then.
                queue = held.map { ($0, true) } + [(renamed(row), false)]
                held.removeAll()
            } else {
                queue.append((renamed(row), false))
            }
        }
        return true
    }

    private static func followsEvents(_ table: SiteArchiveTable) -> Bool {
        guard let events = SiteArchive.tables.firstIndex(where: { $0.name == "events" }),
            let index = SiteArchive.tables.firstIndex(of: table)
        else { return false }
        return index > events
    }

    private func positionsMapped(_ row: Row) -> Row {
        var row = row
        for (index, column) in row.table.columns.enumerated() where column.kind == .position {
            if let old = row.values[index].integerValue { row.values[index] = .integer(mapped[old] ?? 0) }
        }
        return row
    }

    private func renamed(_ row: Row) -> Row {
        guard row.table.name == "sites" else { return row }
        var values = row.values
        values[0] = .text(siteID.rawValue)
        values[1] = .text(name)
        return (row.table, values)
    }
}
