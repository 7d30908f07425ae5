import BaristaCore
import Foundation

/// What is fuzzed: the bytes of an HTTP body, as the API reads them.
enum FuzzTarget: String, CaseIterable {
    /// `POST /v1/events`: one event or `{"batch":[…]}`, parsed and validated.
    case events
    /// A segment rule, parsed and validated (`POST /v1/segments`, `segments:preview`).
    case segments

    /// Runs one input. Any input may be rejected; what must never happen is a crash, a hang, or a
    /// broken invariant, which traps with the reason (libFuzzer then saves the input):
    /// - events: an accepted event, stored as the log stores it and read back, is the same event
    ///   (replay after a restart depends on this), and validates again;
    /// - segments: an accepted rule, written back as JSON, parses to the same rule.
    func run(_ bytes: UnsafeRawBufferPointer) {
        guard let value = try? JSON.parse(bytes, maxDepth: 64) else { return }
        switch self {
        case .events:
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let validator = EventValidator()
            let events = value["batch"]?.arrayValue ?? [value]
            for (index, item) in events.prefix(100).enumerated() {
                guard case .success(let event) = validator.validate(item, at: JSONPointer("/batch/\(index)"), now: now, makeMessageID: { "m" }) else { continue }
                guard let stored = try? JSON.parse(event.storedText), let back = Event(stored: stored) else {
                    fatalError("an accepted event could not be read back from the log: \(event.storedText)")
                }
                var expected = event
                // The log keeps times to the millisecond.
                expected.timestamp = Timestamp.parse(Timestamp.format(event.timestamp)) ?? event.timestamp
                expected.receivedAt = Timestamp.parse(Timestamp.format(event.receivedAt)) ?? event.receivedAt
                guard back == expected else { fatalError("the log changed an event:\n\(expected)\n\(back)") }
                guard case .success = validator.validate(event.json, at: JSONPointer(), now: now) else {
                    fatalError("an accepted event does not validate again: \(JSON.string(event.json))")
                }
            }
        case .segments:
            let rule = value["rule"] ?? value
            guard case .success(let parsed) = SegmentRule.parse(rule, at: JSONPointer("/rule")) else { return }
            guard case .success(let again) = SegmentRule.parse(parsed.json, at: JSONPointer("/rule")), again == parsed else {
                fatalError("a rule does not survive being written back: \(JSON.string(parsed.json))")
            }
        }
    }
}
