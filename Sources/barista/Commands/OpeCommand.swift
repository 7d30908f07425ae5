import ArgumentParser
import BaristaCore
import BaristaModels
import Foundation

/// `barista ope --log FILE --policy NAME [--json]`: off-policy evaluation of a policy on a log.
///
/// Reads a logged-bandit file (the Open Bandit Dataset CSV or Barista's decision-log JSONL, gzip
/// or not; see ``BanditLog``), writes the named policy out as action probabilities for every
/// round, and prints IPS, SNIPS and doubly robust estimates of its mean reward per round with 95%
/// intervals: a table, or with `--json` one line of compact JSON, last on stdout. Progress goes
/// to standard error.
struct OpeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ope", abstract: "Off-policy evaluation (IPS, SNIPS, DR) of a policy on a logged-bandit file.")

    @Option(help: "The log: an Open Bandit Dataset CSV or a decision-log JSONL (gzip is detected).")
    var log: String

    @Option(help: "The policy to evaluate: \(TargetPolicy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var policy: String

    @Option(help: "bts: fit its Beta posteriors on this log's clicks (default: cross-fitted on --log's own).")
    var trainLog: String?

    @Option(help: "bts: Monte-Carlo draws for its choice probabilities.")
    var simulations: Int = 100_000

    @Option(help: "bts: the seed of the draws.")
    var seed: UInt64 = 0

    @Flag(help: "Print one line of compact JSON last on stdout.")
    var json = false

    func validate() throws {
        guard TargetPolicy(rawValue: policy) != nil else {
            throw ValidationError("unknown policy '\(policy)': use one of \(TargetPolicy.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard simulations >= 1 else { throw ValidationError("--simulations must be 1 or more.") }
        guard trainLog == nil || policy == TargetPolicy.bts.rawValue else { throw ValidationError("--train-log goes with --policy bts.") }
    }

    func run() async throws {
        let target = TargetPolicy(rawValue: policy)!
        let bandit = try Self.read(log)
        Output.error(
            "ope: \(bandit.count) rounds (\(bandit.layout.rawValue)), \(bandit.actionIDs.count) actions, \(bandit.slotIDs.count) slots")
        Output.error("ope: writing out the \(target.rawValue) policy")
        let training = try trainLog.map { try Self.read($0) }
        let distribution = target.distribution(for: bandit, training: training, simulations: simulations, seed: seed)
        let report = OpeReport(
            onPolicy: OffPolicyEstimator.onPolicy(bandit),
            ips: OffPolicyEstimator.ips(bandit, target: distribution),
            snips: OffPolicyEstimator.snips(bandit, target: distribution),
            dr: OffPolicyEstimator.doublyRobust(bandit, target: distribution))
        if json {
            Output.line(Self.jsonLine(report, policy: target.rawValue, log: log))
        } else {
            print(Self.table(report, policy: target.rawValue))
        }
    }

    /// The four estimates the command prints.
    struct OpeReport {
        var onPolicy, ips, snips, dr: OffPolicyEstimate
    }

    /// The log at `path`, gzip or not.
    static func read(_ path: String) throws -> BanditLog {
        Output.error("ope: reading \(path)")
        let bytes: [UInt8]
        do {
            bytes = try Self.bytes(of: path)
        } catch {
            throw ValidationError("\(error)")
        }
        do {
            return try BanditLog(bytes: bytes)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }

    /// The whole file, decompressed when it is gzip.
    static func bytes(of path: String) throws -> [UInt8] {
        var source = try FileChunkSource.open(path: path)
        var bytes: [UInt8] = []
        while let chunk = try source.nextChunk() { bytes += chunk }
        return bytes
    }

    /// The report as one line of compact JSON, members in the order API.md lists them.
    static func jsonLine(_ report: OpeReport, policy: String, log: String) -> String {
        func estimate(_ value: OffPolicyEstimate) -> String {
            let members: [(String, Double)] = [
                ("estimate", value.estimate), ("low", value.low), ("high", value.high),
                ("standard_error", value.standardError), ("effective_sample_size", value.effectiveSampleSize),
            ]
            return "{" + members.map { JSON.string(.string($0.0)) + ":" + JSON.string(.number($0.1)) }.joined(separator: ",") + "}"
        }
        let members: [(String, String)] = [
            ("policy", JSON.string(.string(policy))),
            ("log", JSON.string(.string(log))),
            ("rounds", JSON.string(.number(Double(report.onPolicy.rounds)))),
            ("on_policy_mean", JSON.string(.number(report.onPolicy.estimate))),
            ("on_policy", estimate(report.onPolicy)),
            ("ips", estimate(report.ips)),
            ("snips", estimate(report.snips)),
            ("dr", estimate(report.dr)),
        ]
        return "{" + members.map { JSON.string(.string($0.0)) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// The report as a table: estimator, estimate, 95% interval, rounds, effective sample size.
    static func table(_ report: OpeReport, policy: String) -> String {
        let header = ["estimator", "estimate", "low", "high", "rounds", "ess"]
        let rows: [(String, OffPolicyEstimate)] = [
            ("on-policy (logged)", report.onPolicy), ("IPS (\(policy))", report.ips),
            ("SNIPS (\(policy))", report.snips), ("DR (\(policy))", report.dr),
        ]
        let cells = [header] + rows.map { name, value in
            [name, format(value.estimate), format(value.low), format(value.high), "\(value.rounds)",
             String(format: "%.0f", value.effectiveSampleSize)]
        }
        let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            row.enumerated().map { column, text in
                column == 0 ? text.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - text.count) + text
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.5f", value)
    }
}
