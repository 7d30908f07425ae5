import BaristaCore
import Foundation

/// A progress line for long imports, drawn on standard error: count/total, percent and rate.
///
/// On a terminal it redraws in place (`\r` and erase-line) at most ten times a second; when standard error is
/// not a terminal (a pipe, a CI log) it prints nothing until ``finish()``, which always prints
/// one final line. Standard output stays free for `--json`.
///
/// ```swift
/// var bar = ProgressBar(label: "events", total: events.count)
/// for batch in batches { try await ingest(batch); bar.advance(by: batch.count) }
/// bar.finish()
/// ```
struct ProgressBar<C: Clock> where C.Duration == Swift.Duration {
    /// What is being counted ("items", "events").
    let label: String
    /// How many there will be, when known.
    var total: Int?
    /// How many are done.
    private(set) var completed = 0

    private let clock: C
    private let start: C.Instant
    private var lastDraw: C.Instant?
    private let interactive: Bool
    private let write: (String) -> Void
    private var finished = false

    /// The shortest time between two redraws.
    static var redrawInterval: Swift.Duration { .milliseconds(100) }

    /// Creates a progress line.
    ///
    /// - Parameters:
    ///   - label: What is being counted.
    ///   - total: How many there will be, or nil when unknown.
    ///   - clock: The clock for the rate and for redraw throttling (tests pass their own).
    ///   - interactive: Whether to redraw in place (standard error is a terminal).
    ///   - write: Where the text goes.
    init(label: String, total: Int?, clock: C, interactive: Bool, write: @escaping (String) -> Void) {
        self.label = label
        self.total = total
        self.clock = clock
        self.start = clock.now
        self.interactive = interactive
        self.write = write
    }

    /// Counts `count` more as done, redrawing when enough time has passed.
    mutating func advance(by count: Int = 1) {
        update(completed: completed + count)
    }

    /// Sets how many are done, redrawing when enough time has passed.
    mutating func update(completed: Int) {
        self.completed = completed
        guard interactive, !finished else { return }
        let now = clock.now
        if let lastDraw, lastDraw.duration(to: now) < Self.redrawInterval { return }
        lastDraw = now
        let text = Self.render(label: label, completed: completed, total: total, elapsed: start.duration(to: now))
        write("\r\u{1B}[K" + text)
    }

    /// Prints the final line (on a terminal, over the bar) and ends it with a newline. Idempotent.
    mutating func finish() {
        guard !finished else { return }
        finished = true
        let text = Self.summary(label: label, completed: completed, total: total, elapsed: start.duration(to: clock.now))
        if interactive {
            write("\r\u{1B}[K" + text + "\n")
        } else {
            write(text + "\n")
        }
    }

    /// The bar as drawn: `events [=========>          ] 12,345/50,000 24.7% 3,210/s`.
    static func render(label: String, completed: Int, total: Int?, elapsed: Swift.Duration) -> String {
        let rate = Self.rate(completed: completed, elapsed: elapsed)
        guard let total, total > 0 else {
            return "\(label) \(grouped(completed)) \(rate)"
        }
        let fraction = min(1, Double(completed) / Double(total))
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
            + String(repeating: " ", count: max(0, width - filled - 1))
        return "\(label) [\(bar)] \(grouped(completed))/\(grouped(total)) \(percent(fraction)) \(rate)"
    }

    /// The final line: `events: 50,000/50,000 (100.0%) in 3.2 s, 15,625/s`.
    static func summary(label: String, completed: Int, total: Int?, elapsed: Swift.Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let time = String(Int((seconds * 10).rounded()) / 10) + "." + String(Int((seconds * 10).rounded()) % 10) + " s"
        let count: String
        if let total, total > 0 {
            count = "\(grouped(completed))/\(grouped(total)) (\(percent(min(1, Double(completed) / Double(total)))))"
        } else {
            count = grouped(completed)
        }
        return "\(label): \(count) in \(time), \(rate(completed: completed, elapsed: elapsed))"
    }

    private static func rate(completed: Int, elapsed: Swift.Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard seconds > 0.001 else { return "-/s" }
        return grouped(Int((Double(completed) / seconds).rounded())) + "/s"
    }

    private static func percent(_ fraction: Double) -> String {
        let tenths = Int((fraction * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, character) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}

extension ProgressBar where C == ContinuousClock {
    /// A progress line on standard error, redrawn in place when standard error is a terminal.
    ///
    /// - Parameters:
    ///   - label: What is being counted.
    ///   - total: How many there will be, or nil when unknown.
    init(label: String, total: Int?) {
        self.init(
            label: label, total: total, clock: ContinuousClock(), interactive: isatty(STDERR_FILENO) != 0,
            write: { FileHandle.standardError.write(Data($0.utf8)) })
    }
}
