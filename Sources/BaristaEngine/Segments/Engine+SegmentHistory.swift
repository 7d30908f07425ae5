import BaristaCore
import Foundation

/// Daily sizes of every segment, for the trends the dashboard draws: one sample a day per segment
/// (the latest of the day wins), the last 90 days, kept as a definition (`segment_history`) per segment.
extension Engine {
    static let segmentHistoryKind = "segment_history"

    /// Records today's size of every segment of every loaded site. The background upkeep calls it hourly.
    public func recordSegmentSizes() async throws {
        let time = now()
        let day = Int(time.timeIntervalSince1970 / 86_400)
        for runtime in await directory.all {
            let history = try await segmentHistory(site: runtime.id)
            for summary in try await segments(site: runtime.id) {
                var samples = (history[summary.definition.key] ?? []).filter { Int($0.day.timeIntervalSince1970 / 86_400) != day }
                samples.append((time, summary.size))
                samples = Array(samples.sorted { $0.day < $1.day }.suffix(90))
                let body: JSONValue = ["samples": .array(samples.map { [.number($0.day.timeIntervalSince1970.rounded()), .number(Double($0.size))] })]
                try await store.saveDefinition(StoredDefinition(kind: Self.segmentHistoryKind, key: summary.definition.key,
                    body: JSON.string(body), createdAt: time, updatedAt: time), site: runtime.id)
            }
        }
    }

    /// Each segment's daily sizes, oldest first.
    public func segmentHistory(site: SiteID) async throws -> [String: [(day: Date, size: Int)]] {
        var history: [String: [(day: Date, size: Int)]] = [:]
        for stored in try await store.definitions(kind: Self.segmentHistoryKind, site: site) {
            let samples = (try? JSON.parse(stored.body))?["samples"]?.arrayValue ?? []
            history[stored.key] = samples.compactMap { sample in
                guard let pair = sample.arrayValue, pair.count == 2, let t = pair[0].doubleValue, let n = pair[1].doubleValue else { return nil }
                return (Date(timeIntervalSince1970: t), Int(n))
            }
        }
        return history
    }
}
