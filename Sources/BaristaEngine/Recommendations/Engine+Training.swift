import BaristaCore
import BaristaModels
import Dispatch
import Foundation

/// What one training of a site's `for_you` model did.
public struct TrainingReport: Sendable {
    /// `model_version` of the published model.
    public var version: String
    /// The log position it was trained through.
    public var trainedThrough: Int64
    /// Events read by this training (only those since the previous one, after the first), and the people, items and (person, item) pairs they gave.
    public var events: Int, people: Int, items: Int, pairs: Int
    /// The hyper-parameters picked on the validation split, and the validation ndcg@10 they reached.
    public var config: String
    public var validationNDCG: Double
    /// Seconds spent reading the log and training.
    public var readSeconds: Double, trainSeconds: Double
    /// Bytes the model holds in memory.
    public var modelBytes: Int
    /// The population models refit with it (CLV and email engagement), which every profile's predictions come from.
    public var profileModels: ProfileModels
}

extension Engine {
    /// Trains a site's `for_you` model from its whole event log (read once: each later training
    /// of the process reads only the events after the previous one), publishes it to serving in one
    /// step and stores it, after refitting the population models behind every profile's
    /// predictions (``refreshPredictions(site:)``). Returns nil, without training, when no event arrived since the served
    /// model was trained (unless `force`) or when the log has no interaction with an item.
    ///
    /// Serving goes on throughout: the log is read in pages, the numerics run on a dispatch queue
    /// (not the async executor), and the new snapshot replaces the old one atomically.
    /// - Parameter progress: called with a stage name and a fraction done in 0...1.
    public func train(site: SiteID, force: Bool = false, progress: (@Sendable (String, Double) -> Void)? = nil) async throws -> TrainingReport? {
        let runtime = try await runtime(site)
        let (through, weights) = runtime.state.withLock { ($0.appliedSeq, $0.site.settings.feedbackWeights) }
        let served = runtime.model.withLock { $0?.trainedThrough }
        if !force, let served, served >= through { return nil }
        let profileModels = try await refreshPredictions(site: site)
        let clock = ContinuousClock(), started = clock.now

        // Start from the interactions the last training read, and read only the log after them.
        var (collector, generation) = runtime.interactions.take(weights: weights)
        if collector.through > through { collector = InteractionCollector(weights: weights) }
        let eventsBefore = collector.events
        while collector.through < through {
            // A shutdown does not wait for the rest of the read (the served model stays as it was).
            try Task.checkCancellation()
            let page = try await store.interactions(site: site, after: collector.through, limit: 10_000)
            guard let last = page.last?.seq else { break }
            for record in page where record.seq <= through { collector.add(record) }
            collector.through = min(last, through)
            progress?("reading the log", Double(collector.through) / Double(max(through, 1)))
        }
        collector.through = through
        runtime.interactions.putBack(collector, generation: generation)
        guard let data = collector.trainingData() else { return nil }
        let readSeconds = (clock.now - started).seconds

        let trainingStart = clock.now
        let training = data.training
        let trainingProgress: (@Sendable (Double) -> Void)? = progress.map { report in { @Sendable fraction in report("training", fraction) } }
        let tuned = await withCheckedContinuation { (continuation: CheckedContinuation<(model: ForYouModel, config: ForYouConfig, validationNDCG: Double), Never>) in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: ForYouModel.tuned(training: training, progress: trainingProgress))
            }
        }
        let trainSeconds = (clock.now - trainingStart).seconds
        let finished = now()
        let version = Timestamp.format(finished) + "#\(through)"
        let snapshot = runtime.state.withLock { state in
            let snapshot = ModelSnapshot(
                version: version, trainedThrough: through, trainedAt: finished, model: tuned.model, itemIDs: data.itemIDs,
                vocabulary: &state.live.vocabulary)
            state.live.growItems()
            return snapshot
        }
        runtime.model.withLock { $0 = snapshot }
        try await store.saveModel(snapshot.stored(), site: site)
        // Other nodes on a shared store load it (whether the trainer or `barista train` made it).
        await announce(ClusterChange(site: site, kind: .model))
        logger.info("model trained", metadata: ["site.id": "\(site)", "model.version": "\(version)", "seconds": "\(trainSeconds)"])
        return TrainingReport(
            version: version, trainedThrough: through, events: collector.events - eventsBefore, people: data.people, items: data.itemIDs.count,
            pairs: data.training.entryCount, config: "\(tuned.config)", validationNDCG: tuned.validationNDCG,
            readSeconds: readSeconds, trainSeconds: trainSeconds, modelBytes: tuned.model.memoryBytes, profileModels: profileModels)
    }

    /// How far a site's log has moved since its served model was trained: the log positions since
    /// (every event before the first training) and how long ago that training finished (nil before it).
    public func trainingLag(site: SiteID) async throws -> (newEvents: Int64, age: TimeInterval?) {
        let runtime = try await runtime(site)
        let through = runtime.state.withLock { $0.appliedSeq }
        let served = runtime.model.withLock { $0.map { ($0.trainedThrough, $0.trainedAt) } }
        return (through - (served?.0 ?? 0), served.map { now().timeIntervalSince($0.1) })
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
