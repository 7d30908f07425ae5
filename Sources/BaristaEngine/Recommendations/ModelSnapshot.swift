import BaristaCore
import BaristaModels
import Foundation
import Synchronization

/// One trained `for_you` model, immutable: published in one step, read by every request without a lock.
///
/// The model numbers items its own way (the trainer's vocabulary at training time); ``toModel``
/// translates the site's live item numbers into the model's, so items that arrived after training
/// are simply unknown to it (the live models cover them).
final class ModelSnapshot: Sendable {
    /// `model_version` in responses.
    let version: String
    /// The log position the model was trained through.
    let trainedThrough: Int64
    /// When training finished.
    let trainedAt: Date
    let model: ForYouModel
    /// The model's item ids, by model index.
    let itemIDs: [ItemID]
    /// For each live vocabulary number, the model's index of that item, or -1.
    let toModel: [Int32]
    /// For each model index, the live vocabulary number.
    let toLive: [Int32]
    /// Score buffers reused across requests (each is `model.itemCount` floats).
    let scratch = Mutex<[ScoreAccumulator]>([])

    init(version: String, trainedThrough: Int64, trainedAt: Date, model: ForYouModel, itemIDs: [ItemID], vocabulary: inout ItemVocabulary) {
        self.version = version
        self.trainedThrough = trainedThrough
        self.trainedAt = trainedAt
        self.model = model
        self.itemIDs = itemIDs
        let toLive = itemIDs.map { vocabulary.index(for: $0) }
        var toModel = [Int32](repeating: -1, count: vocabulary.count)
        for (modelIndex, live) in toLive.enumerated() { toModel[Int(live)] = Int32(modelIndex) }
        self.toLive = toLive
        self.toModel = toModel
    }

    /// The model index of a live item number, or nil when the model does not know the item.
    func modelIndex(_ live: Int32) -> Int32? {
        guard live >= 0, Int(live) < toModel.count else { return nil }
        let index = toModel[Int(live)]
        return index < 0 ? nil : index
    }

    /// The stored form: the model's item ids, then the model's own bytes.
    func stored() -> StoredModel {
        var writer = ByteWriter(magic: "BSNP", version: 1)
        writer.write(strings: itemIDs.map(\.rawValue))
        writer.write(block: model.serialized())
        return StoredModel(version: version, trainedThrough: trainedThrough, createdAt: trainedAt, bytes: writer.bytes)
    }

    /// Reads back ``stored()``, numbering the model's items in `vocabulary`.
    static func load(_ stored: StoredModel, vocabulary: inout ItemVocabulary) throws -> ModelSnapshot {
        var reader = try ByteReader(stored.bytes, magic: "BSNP", version: 1)
        let ids = try reader.readStrings().map(ItemID.init(rawValue:))
        let model = try ForYouModel(serialized: try reader.readBlock())
        try reader.expectEnd()
        return ModelSnapshot(
            version: stored.version, trainedThrough: stored.trainedThrough, trainedAt: stored.createdAt, model: model, itemIDs: ids,
            vocabulary: &vocabulary)
    }
}

extension ModelSnapshot {
    /// The model's best `count` items for a history given in live item numbers (newest first),
    /// returned in live numbers. Scores only the history's neighbours, never the whole catalog.
    func candidates(for history: [HistoryEntry], count: Int) -> [ScoredItem] {
        // Items the model does not know keep their place (the model skips them, but they still
        // count as a step back for recency), exactly as offline scoring sees a history.
        let unknown = Int32(model.itemCount)
        let translated = history.map { entry in
            var copy = entry
            copy.item = modelIndex(entry.item) ?? unknown
            return copy
        }
        guard translated.contains(where: { $0.item != unknown }) else { return [] }
        var accumulator = scratch.withLock { $0.popLast() } ?? ScoreAccumulator(itemCount: model.itemCount)
        model.score(history: translated, into: &accumulator)
        let top = accumulator.top(count) { _ in true }
        accumulator.reset()
        scratch.withLock { pool in if pool.count < 64 { pool.append(accumulator) } }
        return top.map { ScoredItem(item: toLive[Int($0.item)], score: $0.score) }
    }

    /// The model's scores of `items` (live numbers; 0 for items it does not know) for a history in
    /// live numbers, newest first: what ranking blends with the caller's order.
    func scores(of items: [Int32], for history: [HistoryEntry]) -> [Float] {
        let unknown = Int32(model.itemCount)
        let translated = history.map { entry in
            var copy = entry
            copy.item = modelIndex(entry.item) ?? unknown
            return copy
        }
        guard translated.contains(where: { $0.item != unknown }) else { return Array(repeating: 0, count: items.count) }
        var accumulator = scratch.withLock { $0.popLast() } ?? ScoreAccumulator(itemCount: model.itemCount)
        model.score(history: translated, into: &accumulator)
        let scores = items.map { item in modelIndex(item).map { accumulator.score(of: $0) } ?? 0 }
        accumulator.reset()
        scratch.withLock { pool in if pool.count < 64 { pool.append(accumulator) } }
        return scores
    }

    /// The model's nearest items to `item` (live numbers), strongest first, positive weights only.
    func neighbours(of item: Int32, where include: (Int32) -> Bool) -> [ScoredItem] {
        guard let source = modelIndex(item) else { return [] }
        let row = model.collaborative.neighbours(of: Int(source))
        var list: [ScoredItem] = []
        for (target, weight) in zip(row.targets, row.weights) where weight > 0 {
            let live = toLive[Int(target)]
            if include(live) { list.append(ScoredItem(item: live, score: weight)) }
        }
        return list.sorted { $0.score != $1.score ? $0.score > $1.score : $0.item < $1.item }
    }

    /// The history item (live number) whose model neighbours give `item` the most weight, for the reason.
    func strongestSource(of item: Int32, among history: [HistoryEntry]) -> Int32? {
        guard let target = modelIndex(item) else { return nil }
        var best: (source: Int32, weight: Float)?
        for entry in history {
            guard let source = modelIndex(entry.item) else { continue }
            let row = model.collaborative.neighbours(of: Int(source))
            for (candidate, weight) in zip(row.targets, row.weights) where candidate == target {
                if weight > (best?.weight ?? 0) { best = (entry.item, weight) }
            }
        }
        return best?.source
    }
}
