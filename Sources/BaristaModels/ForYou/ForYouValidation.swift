import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validation split carved from training histories, for tuning ``ForYouModel``: each person
/// with two or more entries holds out their newest entry; models are trained on the rest and
/// ranked like the leave-last-out protocol ranks test users, through the serving scorer.
struct ForYouValidation: Sendable {
    /// The histories without the held-out entries: what candidate models train on.
    let fit: ForYouTrainingData
    /// The people ranked (a deterministic sample when there are many).
    let people: [Int]
    /// Each ranked person's held-out item.
    let targets: [Int32]
    /// Each ranked person's remaining history, newest first.
    let histories: [[HistoryEntry]]

    /// Carves the split.
    /// - Parameters:
    ///   - training: The full training histories; only they are read.
    ///   - maxPeople: The most people ranked (evenly spaced over the eligible ones).
    init(training: ForYouTrainingData, maxPeople: Int = 20_000) {
        let eligible = (0..<training.personCount).filter { training.offsets[$0 + 1] - training.offsets[$0] >= 2 }
        let step = max(1, (eligible.count + maxPeople - 1) / maxPeople)
        people = Swift.stride(from: 0, to: eligible.count, by: step).map { eligible[$0] }
        targets = people.map { training.items[training.offsets[$0 + 1] - 1] }
        histories = people.map { training.history(of: $0, dropping: 1) }
        var dropped = [Bool](repeating: false, count: training.personCount)
        for person in eligible { dropped[person] = true }
        fit = training.droppingNewest(where: dropped)
    }

    /// The mean NDCG@10 of the held-out items under `model`, ranked as ``ForYouRecommender``
    /// ranks: linked items by score, then the rest by popularity; history items excluded; ties
    /// to the lower index; an item the fit data never saw is a miss.
    func ndcg(_ model: ForYouModel) -> Double {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, people.count))
        let total = Mutex(0.0)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var accumulator = ScoreAccumulator(itemCount: model.itemCount)
            var inHistory = [Bool](repeating: false, count: model.itemCount)
            var sum = 0.0
            for index in Swift.stride(from: chunk, to: people.count, by: chunks) {
                let history = histories[index], target = targets[index]
                for entry in history where Int(entry.item) < model.itemCount { inHistory[Int(entry.item)] = true }
                model.score(history: history, into: &accumulator)
                if let rank = Self.rank(of: target, accumulator: accumulator, model: model, excluded: inHistory, cutoff: 10) {
                    sum += RankingMetrics.discount(rank: rank)
                }
                accumulator.reset()
                for entry in history where Int(entry.item) < model.itemCount { inHistory[Int(entry.item)] = false }
            }
            total.withLock { $0 += sum }
        }
        return total.withLock { $0 } / Double(max(people.count, 1))
    }

    /// The target's rank (from 1) if it is at most `cutoff`, else nil.
    static func rank(of target: Int32, accumulator: ScoreAccumulator, model: ForYouModel, excluded: [Bool], cutoff: Int) -> Int? {
        let t = Int(target)
        guard model.popularity[t] > 0, !excluded[t] else { return nil }
        var above = 0
        if accumulator.isTouched(target) {
            let score = accumulator.score(of: target)
            for item in accumulator.touchedItems where !excluded[Int(item)] {
                let s = accumulator.score(of: item)
                if s > score || (s == score && item < target) { above += 1 }
            }
            return above < cutoff ? above + 1 : nil
        }
        for item in accumulator.touchedItems where !excluded[Int(item)] { above += 1 }
        guard above < cutoff else { return nil }
        let popularity = model.popularity[t]
        for item in 0..<model.itemCount where !excluded[item] && !accumulator.isTouched(Int32(item)) {
            let p = model.popularity[item]
            if p > popularity || (p == popularity && item < t) {
                above += 1
                if above >= cutoff { return nil }
            }
        }
        return above + 1
    }
}
