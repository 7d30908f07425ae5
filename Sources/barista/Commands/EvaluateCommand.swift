import ArgumentParser
import BaristaCore
import BaristaModels
import Foundation

/// `barista evaluate --data FILE --model NAME [--json]`: the offline protocol of EVALUATION.md.
///
/// Reads a `user,item,timestamp` CSV, splits it leave-last-out, trains the model on the training
/// pairs (timed), ranks every test user's held-out item, and prints the metrics: a table, or with
/// `--json` one line of compact JSON, last on stdout. Progress goes to standard error. Run it from
/// a release build: the numerics are slow in debug.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a model offline (leave-last-out) on a user,item,timestamp CSV.")

    /// The models `--model` accepts. `for_you` is what the `for_you` strategy serves: its
    /// hyper-parameters are tuned on a validation split carved from the training histories (never
    /// the test items), and the tuning counts in `train_seconds`.
    enum Model: String, ExpressibleByArgument, CaseIterable {
        case popularity, itemknn, ials, ease
        case forYou = "for_you"
    }

    @Option(help: "The interactions: a CSV with the header user,item,timestamp (Unix seconds).")
    var data: String

    @Option(help: "The model: \(Model.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: Model

    @Option(help: "itemknn: neighbours kept per item (0: all).")
    var k: Int = 50

    @Option(help: "itemknn: added to the cosine denominator.")
    var shrink: Double = 0

    @Option(help: "ease: the L2 regularisation λ.")
    var lambda: Double = 100

    @Option(help: "ials: latent factors per user and item.")
    var factors: Int = 64

    @Option(help: "ials: the L2 regularisation λ.")
    var regularization: Double = 0.01

    @Option(help: "ials: the confidence slope (confidence = 1 + alpha · value).")
    var alpha: Double = 1

    @Option(help: "ials: alternations of a user pass and an item pass.")
    var iterations: Int = 15

    @Flag(help: "Print one line of compact JSON (the EVALUATION.md layout) last on stdout.")
    var json = false

    func validate() throws {
        guard k >= 0 else { throw ValidationError("--k must be 0 (all) or more.") }
        guard shrink >= 0, shrink.isFinite else { throw ValidationError("--shrink must be a finite number ≥ 0.") }
        guard lambda > 0, lambda.isFinite else { throw ValidationError("--lambda must be a positive number.") }
        guard factors >= 1 else { throw ValidationError("--factors must be 1 or more.") }
        guard regularization >= 0, regularization.isFinite else { throw ValidationError("--regularization must be a finite number ≥ 0.") }
        guard alpha >= 0, alpha.isFinite else { throw ValidationError("--alpha must be a finite number ≥ 0.") }
        guard iterations >= 0 else { throw ValidationError("--iterations must be 0 or more.") }
    }

    func run() async throws {
        let clock = ContinuousClock()
        var start = clock.now
        Output.error("evaluate: reading \(data)")
        let log = try InteractionLog(contentsOf: data)
        let split = LeaveLastOut(log: log)
        let misses = split.testItems.count(where: { $0 < 0 })
        Output.error(
            "evaluate: \(log.count) rows, \(log.userIDs.count) users, \(log.itemIDs.count) items → \(split.userCount) test users, "
                + "\(split.itemCount) training items, \(split.training.nonZeroCount) training pairs, \(misses) forced misses "
                + "(\(Self.format(Self.seconds(start.duration(to: clock.now)), 2)) s)")
        guard split.userCount > 0 else {
            throw ValidationError("\(data): no user has 2 or more distinct items, so there is nothing to evaluate")
        }

        start = clock.now
        Output.error("evaluate: training \(model.rawValue) and ranking \(split.userCount) users")
        let evaluator = Evaluator(split: split)
        let report =
            switch model {
            case .popularity: evaluator.evaluate { Popularity(training: $0) }
            case .itemknn: evaluator.evaluate { ItemKNN(training: $0, neighbours: k, shrink: Float(shrink)) }
            case .ials:
                evaluator.evaluate {
                    ImplicitALS(training: $0, factors: factors, regularization: Float(regularization), alpha: Float(alpha), iterations: iterations)
                }
            case .ease: evaluator.evaluate { EASE(training: $0, lambda: Float(lambda)) }
            case .forYou:
                evaluator.evaluate { (_: InteractionMatrix) -> ForYouRecommender in
                    let tuned = ForYouModel.tuned(training: ForYouTrainingData(split: split))
                    Output.error("evaluate: for_you validation ndcg@10 \(Self.format(tuned.validationNDCG, 4)) (\(tuned.model.memoryBytes) bytes)")
                    return ForYouRecommender(model: tuned.model, split: split)
                }
            }
        let total = Self.seconds(start.duration(to: clock.now))
        Output.error("evaluate: trained in \(Self.format(report.trainSeconds, 2)) s, ranked in \(Self.format(total - report.trainSeconds, 2)) s")

        if json {
            Output.line(Self.jsonLine(report, model: model.rawValue))
        } else {
            print(Self.table(report, model: model.rawValue))
        }
    }

    /// The report as one line of compact JSON, members in the order EVALUATION.md lists them.
    static func jsonLine(_ report: EvaluationReport, model: String) -> String {
        let metrics = report.metrics
        let members: [(String, JSONValue)] = [
            ("protocol", "leave-last-out"),
            ("model", .string(model)),
            ("config", .object(report.config.mapValues { .number($0) })),
            ("users", .number(Double(report.users))),
            ("items", .number(Double(report.items))),
            ("train_pairs", .number(Double(report.trainPairs))),
            ("hr@10", .number(metrics.hitRate10)),
            ("ndcg@10", .number(metrics.ndcg10)),
            ("hr@20", .number(metrics.hitRate20)),
            ("ndcg@20", .number(metrics.ndcg20)),
            ("mrr@100", .number(metrics.mrr100)),
            ("coverage@10", .number(metrics.coverage10)),
            ("train_seconds", .number(report.trainSeconds)),
        ]
        let body = members.map { JSON.string(.string($0.0)) + ":" + JSON.string($0.1, sortedKeys: true) }
        return "{" + body.joined(separator: ",") + "}"
    }

    /// The report as a small two-column table.
    static func table(_ report: EvaluationReport, model: String) -> String {
        let config = report.config.sorted { $0.key < $1.key }.map { "\($0.key)=\(format($0.value))" }
        let metrics = report.metrics
        let rows: [(String, String)] = [
            ("protocol", "leave-last-out"),
            ("model", config.isEmpty ? model : "\(model) (\(config.joined(separator: ", ")))"),
            ("users", "\(report.users)"),
            ("items", "\(report.items)"),
            ("train pairs", "\(report.trainPairs)"),
            ("hr@10", format(metrics.hitRate10, 4)),
            ("ndcg@10", format(metrics.ndcg10, 4)),
            ("hr@20", format(metrics.hitRate20, 4)),
            ("ndcg@20", format(metrics.ndcg20, 4)),
            ("mrr@100", format(metrics.mrr100, 4)),
            ("coverage@10", format(metrics.coverage10, 4)),
            ("train seconds", format(report.trainSeconds, 2)),
        ]
        return rows.map { $0.0.padding(toLength: 14, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// A config value: integral values without a fraction.
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
