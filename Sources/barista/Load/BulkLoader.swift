import BaristaCore
import BaristaEngine
import Foundation

/// What an import did: rows read, imported, duplicates, and every rejection counted by reason.
struct LoadSummary: Sendable {
    var read = 0
    var imported = 0
    var duplicates = 0
    var rejected = 0
    /// How many rows were rejected for each reason.
    var reasons: [String: Int] = [:]
    /// The first rejected rows, with their line and reason.
    var examples: [(line: Int, message: String)] = []

    mutating func reject(line: Int, _ message: String) {
        rejected += 1
        reasons[message, default: 0] += 1
        if examples.count < 20 { examples.append((line, message)) }
    }

    var json: JSONValue {
        [
            "rows_read": .number(Double(read)), "imported": .number(Double(imported)),
            "duplicates": .number(Double(duplicates)), "rejected": .number(Double(rejected)),
            "reasons": .object(reasons.mapValues { .number(Double($0)) }),
            "examples": .array(examples.map { ["line": .number(Double($0.line)), "message": .string($0.message)] }),
        ]
    }

    /// The summary for a person, on standard error.
    func printed(label: String) -> String {
        var text = "\(label): \(read) read, \(imported) imported, \(duplicates) duplicates, \(rejected) rejected"
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }).prefix(10) { text += "\n  \(count)× \(reason)" }
        for example in examples.prefix(5) { text += "\n  line \(example.line): \(example.message)" }
        return text
    }
}

/// Loads API-shaped JSON records into a site through the same validation as the HTTP API,
/// in large batches; a bad record is counted and reported, never fatal.
struct BulkLoader {
    let engine: Engine
    let site: SiteID
    var batchSize = 5_000

    /// Validates and upserts items.
    func loadItems(_ records: [Record], summary: inout LoadSummary, progress: (Int) -> Void = { _ in }) async throws {
        let validator = ItemValidator()
        var batch: [Item] = []
        func flush(_ summary: inout LoadSummary) async throws {
            guard !batch.isEmpty else { return }
            _ = try await engine.upsertItems(batch, site: site)
            summary.imported += batch.count
            progress(batch.count)
            batch.removeAll(keepingCapacity: true)
        }
        for record in records {
            summary.read += 1
            switch record.result {
            case .failure(let error): summary.reject(line: record.line, error.message)
            case .success(let value):
                switch validator.validate(value, id: nil, at: JSONPointer(), now: engine.currentTime) {
                case .success(let item): batch.append(item)
                case .failure(let failure): summary.reject(line: record.line, Self.describe(failure))
                }
            }
            if batch.count >= batchSize { try await flush(&summary) }
        }
        try await flush(&summary)
    }

    /// Validates and ingests events, in order.
    func loadEvents(_ records: [Record], summary: inout LoadSummary, progress: (Int) -> Void = { _ in }) async throws {
        let validator = EventValidator()
        var batch: [Event] = []
        var counter = 0
        func flush(_ summary: inout LoadSummary) async throws {
            guard !batch.isEmpty else { return }
            let results = try await engine.ingest(batch, site: site)
            let stored = results.count { $0.stored }
            summary.imported += stored
            summary.duplicates += results.count - stored
            progress(batch.count)
            batch.removeAll(keepingCapacity: true)
        }
        for record in records {
            summary.read += 1
            switch record.result {
            case .failure(let error): summary.reject(line: record.line, error.message)
            case .success(let value):
                counter += 1
                let line = record.line
                switch validator.validate(value, at: JSONPointer(), now: engine.currentTime, makeMessageID: { "import-\(line)-" + RandomID.string(length: 12) }) {
                case .success(let event): batch.append(event)
                case .failure(let failure): summary.reject(line: record.line, Self.describe(failure))
                }
            }
            if batch.count >= batchSize { try await flush(&summary) }
        }
        try await flush(&summary)
    }

    static func describe(_ failure: ValidationErrors) -> String {
        failure.errors.map { "\($0.field.isEmpty ? "row" : $0.field) \($0.message)" }.joined(separator: "; ")
    }
}
