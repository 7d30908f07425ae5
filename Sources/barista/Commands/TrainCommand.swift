import ArgumentParser
import BaristaCore
import BaristaEngine
import Foundation
import Synchronization

/// `barista train [--site NAME] [--json]`: trains a site's `for_you` model now, from its whole
/// event log, and stores it; a server started afterwards serves it without retraining.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a site's for_you model from its event log, with a progress bar.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var siteOption: SiteOption

    @Flag(help: "Train even when no event arrived since the stored model.")
    var force = false

    @Flag(help: "Print one line of compact JSON last on stdout.")
    var json = false

    func run() async throws {
        let engine = try await store.openEngine()
        let site = try await siteOption.resolve(in: engine)
        let bar = StageProgress()
        guard let report = try await engine.train(site: site.id, force: force, progress: { stage, fraction in bar.update(stage, fraction) }) else {
            bar.finish()
            if json {
                Output.json(["site": .string(site.name), "trained": false, "reason": "no new events since the stored model"])
            } else {
                print("\(site.name): the stored model is up to date (use --force to retrain)")
            }
            return
        }
        bar.finish()
        if json {
            Output.json([
                "site": .string(site.name), "trained": true, "model_version": .string(report.version),
                "events": .number(Double(report.events)), "people": .number(Double(report.people)), "items": .number(Double(report.items)),
                "pairs": .number(Double(report.pairs)), "config": .string(report.config), "validation_ndcg@10": .number(report.validationNDCG),
                "read_seconds": .number(report.readSeconds), "train_seconds": .number(report.trainSeconds),
                "model_bytes": .number(Double(report.modelBytes)), "profile_models": report.profileModels.json,
            ])
        } else {
            print("""
                \(site.name): model \(report.version)
                  \(report.events) events → \(report.people) people × \(report.items) items, \(report.pairs) pairs
                  \(report.config), validation ndcg@10 \(String(format: "%.4f", report.validationNDCG))
                  read in \(String(format: "%.2f", report.readSeconds)) s, trained in \(String(format: "%.2f", report.trainSeconds)) s, \(report.modelBytes / 1_048_576) MiB
                  predictions: \(Self.describe(report.profileModels))
                """)
        }
    }
}

extension TrainCommand {
    /// The population models in one line: what was fitted, on how many people.
    static func describe(_ models: ProfileModels) -> String {
        var parts: [String] = []
        if let bgnbd = models.bgnbd {
            parts.append(String(format: "BG/NBD r %.3f α %.3f a %.3f b %.3f on %d customers", bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b, models.customers))
        } else {
            parts.append("no purchase model yet (\(models.customers) customers, \(ProfileModels.minimumCustomers) needed with a repeat order)")
        }
        if let gg = models.gammaGamma { parts.append(String(format: "Gamma-Gamma p %.3f q %.3f γ %.3f", gg.p, gg.q, gg.gamma)) }
        if let email = models.engagement {
            parts.append(String(format: "email open prior mean %.3f from %d people", email.open.mean, email.fittedOn))
        }
        return parts.joined(separator: "; ")
    }
}

/// A progress bar per training stage, safe to update from the training threads.
final class StageProgress: Sendable {
    private let state = Mutex<(stage: String, bar: ProgressBar<ContinuousClock>?)>(("", nil))

    func update(_ stage: String, _ fraction: Double) {
        state.withLock { state in
            if state.stage != stage {
                state.bar?.finish()
                state = (stage, ProgressBar(label: stage, total: 1000))
            }
            state.bar?.update(completed: Int(max(0, min(1, fraction)) * 1000))
        }
    }

    func finish() {
        state.withLock { $0.bar?.finish() }
    }
}
