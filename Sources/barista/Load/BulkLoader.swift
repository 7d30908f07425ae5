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
        let now = engine.currentTime
        try await load(records, summary: &summary, progress: progress) { value, _ in
            validator.validate(value, id: nil, at: JSONPointer(), now: now)
        } commit: { items in
            (try await engine.upsertItems(items, site: site).count, 0)
        }
    }

    /// Validates and ingests events, in order.
    func loadEvents(_ records: [Record], summary: inout LoadSummary, progress: (Int) -> Void = { _ in }) async throws {
        let validator = EventValidator()
        let now = engine.currentTime
        try await load(records, summary: &summary, progress: progress) { value, line in
            validator.validate(value, at: JSONPointer(), now: now, makeMessageID: { "import-\(line)-" + RandomID.string(length: 12) })
        } commit: { events in
            let results = try await engine.ingest(events, site: site)
            let stored = results.count { $0.stored }
            return (stored, results.count - stored)
        }
    }

    /// The loop both share: validate each record, commit full batches, count everything.
    private func load<Value>(
        _ records: [Record], summary: inout LoadSummary, progress: (Int) -> Void,
        validate: (JSONValue, Int) -> Result<Value, ValidationErrors>,
        commit: ([Value]) async throws -> (stored: Int, duplicates: Int)
    ) async throws {
        var batch: [Value] = []
        func flush(_ summary: inout LoadSummary) async throws {
            guard !batch.isEmpty else { return }
            let (stored, duplicates) = try await commit(batch)
            summary.imported += stored
            summary.duplicates += duplicates
            progress(batch.count)
            batch.removeAll(keepingCapacity: true)
        }
        for record in records {
            summary.read += 1
            switch record.result.flatMap({ value in validate(value, record.line).mapError { RecordError(Self.describe($0)) } }) {
            case .success(let value): batch.append(value)
            case .failure(let error): summary.reject(line: record.line, error.message)
            }
            if batch.count >= batchSize { try await flush(&summary) }
        }
        try await flush(&summary)
    }

    static func describe(_ failure: ValidationErrors) -> String {
        failure.errors.map { "\($0.field.isEmpty ? "row" : $0.field) \($0.message)" }.joined(separator: "; ")
    }
}
