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
    /// The log position the read started after (0: the whole log), the window it applied, and
    /// the interactions read but left out as older than the window.
    public var readFrom: Int64, window: String, interactionsDropped: Int
    /// Events read, and the people, items and (person, item) pairs they gave.
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
    /// Trains a site's `for_you` model from the recent part of its event log (`window`), publishes
    /// it to serving in one step and stores it, after refitting the population models behind every profile's
    /// predictions (``refreshPredictions(site:)``). Returns nil, without training, when no event arrived since the served
    /// model was trained (unless `force`) or when the log has no interaction with an item.
    ///
    /// Memory and time are bounded by the window, not by the log: the read starts at the window's
    /// first position (found by a binary search over positions when it is bounded by age, which
    /// assumes event times roughly follow log order; events older than the window are skipped
    /// anyway), and the collector keeps at most the window's interactions.
    ///
    /// Serving goes on throughout: the log is read in pages, the numerics run on a dispatch queue
    /// (not the async executor), and the new snapshot replaces the old one atomically.
    /// - Parameter window: how much of the log to learn from (``TrainingWindow/standard``: the last
    ///   million events and interactions within 365 days of the newest event).
    /// - Parameter progress: called with a stage name and a fraction done in 0...1.
    public func train(
        site: SiteID, force: Bool = false, window: TrainingWindow = .standard, progress: (@Sendable (String, Double) -> Void)? = nil) async throws -> TrainingReport? {
        let runtime = try await runtime(site)
        let (through, weights) = runtime.state.withLock { ($0.appliedSeq, $0.site.settings.feedbackWeights) }
        let served = runtime.model.withLock { $0?.trainedThrough }
        if !force, let served, served >= through { return nil }
        let profileModels = try await refreshPredictions(site: site)
        let clock = ContinuousClock(), started = clock.now

        // Only the window is read: positions before it are skipped, not scanned.
        let newest = try await store.events(site: site, after: through - 1, limit: 1).first.map { $0.event.timestamp.timeIntervalSince1970 }
        let notBefore = newest.map { window.cutoff(newest: $0) } ?? -.infinity
        let byCount = max(0, through - Int64(clamping: window.maxInteractions))
        let from = notBefore > -.infinity ? try await firstPosition(site: site, after: byCount, through: through, notBefore: notBefore) : byCount
        var collector = InteractionCollector(weights: weights, window: window, notBefore: notBefore)
        var cursor = from
        while cursor < through {
            // A shutdown does not wait for the rest of the read (the served model stays as it was).
            try Task.checkCancellation()
            let page = try await store.events(site: site, after: cursor, limit: Self.trainingPage)
            guard let last = page.last?.seq else { break }
            for stored in page where (stored.seq ?? 0) <= through { collector.add(stored) }
            cursor = last
            progress?("reading the log", Double(min(cursor, through) - from) / Double(max(through - from, 1)))
        }
        guard let data = collector.trainingData() else { return nil }
        let interactionsDropped = collector.dropped
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
            version: version, trainedThrough: through, readFrom: from, window: "\(window)", interactionsDropped: interactionsDropped, events: collector.events, people: data.people, items: data.itemIDs.count,
            pairs: data.training.entryCount, config: "\(tuned.config)", validationNDCG: tuned.validationNDCG,
            readSeconds: readSeconds, trainSeconds: trainSeconds, modelBytes: tuned.model.memoryBytes, profileModels: profileModels)
    }

    /// Events per page while reading the log for a training: what one page holds decoded.
    static var trainingPage: Int { 5_000 }

    /// The position to read after so that the first event read is the first at or after
    /// `notBefore` in `(after, through]`: a binary search of single-event reads, assuming times
    /// follow positions (an out-of-order event can only move the start later or earlier by itself).
    func firstPosition(site: SiteID, after low: Int64, through: Int64, notBefore: Double) async throws -> Int64 {
        var low = low, high = through
        while low < high {
            let middle = low + (high - low) / 2
            if let next = try await store.events(site: site, after: middle, limit: 1).first, let seq = next.seq, seq <= through,
                next.event.timestamp.timeIntervalSince1970 < notBefore
            {
                low = max(middle + 1, seq)
            } else {
                high = middle
            }
        }
        return low
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
