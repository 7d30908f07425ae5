#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Logged bandit feedback: what a logging policy chose in each round, with what probability,
/// and what it earned.
///
/// Each round happened in a *slot* (a place where one action is shown) and chose one *action*
/// there. Two file layouts are read (``init(bytes:)`` tells them apart):
///
/// - **Open Bandit Dataset CSV** (``Layout/openBandit``): a header row naming at least
///   `item_id`, `position`, `click` and `propensity_score`. The action is `item_id`, the slot is
///   `position` (1 is the top of the list), the reward is `click`, and the logging propensity is
///   `propensity_score`: the probability that the logging policy put *that item in that
///   position* (so in the uniform-random log it is 1/80 for every row, not 3/80). Columns named
///   `user-item_affinity_*` become numeric features; `user_feature_*` (hashed strings) become
///   indicator features named `user_feature_0=<hash>`.
/// - **Barista's decision log, JSONL** (``Layout/decisionLog``): one JSON object per line,
///   ```
///   {"decision_id":"d-1","profile_id":"p-9","experience":"home-hero","variant":"b",
///    "probability":0.25,"reward":1,"features":{"visits":3,"tier":"gold","opted_in":true}}
///   ```
///   The slot is `experience`, the action is `variant`, the logging propensity is `probability`
///   (the chance the engine gave that variant at that decision, in (0, 1]) and `reward` is a
///   number (0 or 1 for a click or conversion). A `null` variant (the control group or the
///   holdout, shown with their own probability) is the action `control`. `features` is
///   optional: in an object, numbers and booleans become numeric features, strings become
///   indicators `key=value`, nulls are skipped; an array of numbers names its features `0`, `1`, ….
///   `decision_id` and `profile_id` (and any other member) are optional and not used by the
///   estimators. Blank lines are skipped.
///
/// Actions and slots are numbered from 0 in order of first appearance; ``actionIDs`` and
/// ``slotIDs`` give their names.
public struct BanditLog: Sendable {
    /// Where a log came from.
    public enum Layout: String, Sendable, Hashable {
        /// The Open Bandit Dataset CSV layout.
        case openBandit = "open-bandit-csv"
        /// Barista's decision-log JSONL layout.
        case decisionLog = "decision-log-jsonl"
        /// Built in memory (tests, simulations).
        case inMemory = "in-memory"
    }

    /// The layout the log was read from.
    public let layout: Layout
    /// The name of each action index (an item id, or a variant).
    public internal(set) var actionIDs: [String]
    /// The name of each slot index (a position, or an experience).
    public internal(set) var slotIDs: [String]
    /// The name of each feature index.
    public internal(set) var featureNames: [String]
    /// The rounds, in file order.
    public internal(set) var rounds: [BanditRound]

    /// How many rounds the log holds.
    public var count: Int { rounds.count }

    /// The mean reward the logging policy earned: its on-policy value.
    public var onPolicyMean: Double {
        rounds.isEmpty ? 0 : rounds.reduce(0) { $0 + $1.reward } / Double(rounds.count)
    }

    /// A log built in memory.
    ///
    /// - Parameters:
    ///   - actionIDs: The name of each action index.
    ///   - slotIDs: The name of each slot index (one slot for a plain bandit).
    ///   - featureNames: The name of each feature index.
    ///   - rounds: The rounds; their action and slot indices must be in range, their propensities
    ///     in (0, 1].
    /// - Throws: ``BanditLogError/badRound(line:reason:)`` (line = round index + 1) when a round is
    ///   out of range.
    public init(actionIDs: [String], slotIDs: [String] = ["0"], featureNames: [String] = [], rounds: [BanditRound]) throws {
        for (index, round) in rounds.enumerated() {
            if let problem = Self.problem(round, actions: actionIDs.count, slots: slotIDs.count) {
                throw BanditLogError.badRound(line: index + 1, reason: problem)
            }
        }
        self.init(layout: .inMemory, actionIDs: actionIDs, slotIDs: slotIDs, featureNames: featureNames, rounds: rounds)
    }

    init(layout: Layout, actionIDs: [String], slotIDs: [String], featureNames: [String], rounds: [BanditRound]) {
        self.layout = layout
        self.actionIDs = actionIDs
        self.slotIDs = slotIDs
        self.featureNames = featureNames
        self.rounds = rounds
    }

    /// Reads a log from its bytes, telling the layout from the content.
    ///
    /// Text starting with `{` is the decision-log JSONL; otherwise a CSV whose header names the
    /// Open Bandit columns. Gzip data is refused: decompress it first (the `barista` command does).
    ///
    /// - Parameter bytes: The whole file, UTF-8.
    /// - Throws: ``BanditLogError``: `.compressed`, `.unknownLayout`, `.empty`, or the line at fault.
    public init(bytes: [UInt8]) throws {
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b { throw BanditLogError.compressed }
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        guard start < bytes.count else { throw BanditLogError.empty }
        self = bytes[start] == UInt8(ascii: "{") ? try Self.decisionLog(bytes) : try Self.openBandit(bytes)
        guard !rounds.isEmpty else { throw BanditLogError.empty }
    }

    /// Reads the (uncompressed) file at `path`; see ``init(bytes:)``.
    ///
    /// - Parameter path: The file to read, whole, into memory.
    /// - Throws: ``BanditLogError/unreadable(path:reason:)``, or any error of ``init(bytes:)``.
    public init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BanditLogError.unreadable(path: path, reason: "no such file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BanditLogError.unreadable(path: path, reason: "\(error)")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Why a round is invalid, or nil.
    static func problem(_ round: BanditRound, actions: Int, slots: Int) -> String? {
        if !(0..<actions).contains(round.action) { return "action \(round.action) is out of range" }
        if !(0..<slots).contains(round.slot) { return "slot \(round.slot) is out of range" }
        if !(round.propensity > 0 && round.propensity <= 1) { return "the propensity \(round.propensity) is not in (0, 1]" }
        if !round.reward.isFinite { return "the reward is not a finite number" }
        return nil
    }
}

/// One logged round: in a slot, the logging policy chose an action with some probability and
/// earned a reward.
public struct BanditRound: Sendable, Hashable {
    /// The slot index (``BanditLog/slotIDs``): a position, or an experience.
    public var slot: Int
    /// The chosen action's index (``BanditLog/actionIDs``).
    public var action: Int
    /// What the round earned (1 for a click, 0 for none).
    public var reward: Double
    /// The probability the logging policy gave the chosen action in this round and slot.
    public var propensity: Double
    /// The context, sparse: only non-zero features.
    public var features: [BanditFeature]

    /// A round.
    public init(slot: Int = 0, action: Int, reward: Double, propensity: Double, features: [BanditFeature] = []) {
        self.slot = slot
        self.action = action
        self.reward = reward
        self.propensity = propensity
        self.features = features
    }
}

/// One non-zero context feature of a round.
public struct BanditFeature: Sendable, Hashable {
    /// The feature's index (``BanditLog/featureNames``).
    public var index: Int32
    /// Its value.
    public var value: Double

    /// A feature value.
    public init(index: Int32, value: Double) {
        self.index = index
        self.value = value
    }
}
