import BaristaCore

/// Recent `for_you` answers per person, so a person asking again gets the same list without it
/// being recomputed, until anything it depends on changes.
///
/// Only answers that depend on nothing but the person, the trained model, the catalog and the
/// settings are kept: `for_you` with a trained model that knows every item of the person's
/// history and that needed no fallback. Each entry records the versions it was computed at (the
/// person's last event, the model's version, the catalog-and-settings generation), and a lookup
/// that finds any of them changed recomputes, so a new view of the person's changes their next
/// answer at once. Bounded by an estimate of the bytes it holds (192 MiB by default, about 40,000
/// answers of ten items): past it, half the entries are dropped.
struct AnswerCache: Sendable {
    struct Key: Hashable, Sendable {
        var profile: ProfileID
        /// The request with its `user` removed (the profile stands for it).
        var request: RecommendationRequest
    }

    struct Entry: Sendable {
        var profileVersion: Int64
        var modelVersion: String
        var generation: Int
        var chosen: [ChosenItem]
        /// The items as API JSON text, written once.
        var itemsJSON: [UInt8]
        /// The items' ids and their JSON array, for the impression log.
        var itemIDs: [ItemID]
        var itemIDsJSON: String
    }

    /// The most bytes (estimated) the cache may hold.
    let byteBudget: Int
    private var entries: [Key: Entry] = [:]
    private var bytes = 0

    init(byteBudget: Int = 192 << 20) { self.byteBudget = byteBudget }

    /// An entry's size: its texts, its items (a reason each) and the key, roughly.
    static func size(of entry: Entry) -> Int {
        512 + entry.itemsJSON.count + entry.itemIDsJSON.utf8.count + entry.chosen.count * 160
    }

    var count: Int { entries.count }

    /// The cached answer for `key` when it was computed at these versions; nil otherwise.
    func entry(for key: Key, profileVersion: Int64, modelVersion: String, generation: Int) -> Entry? {
        guard let entry = entries[key], entry.profileVersion == profileVersion, entry.modelVersion == modelVersion,
            entry.generation == generation
        else { return nil }
        return entry
    }

    /// Keeps `entry` (with the versions it was computed at) for `key`.
    mutating func store(_ entry: Entry, for key: Key) {
        if bytes + Self.size(of: entry) > byteBudget {
            var kept = 0
            entries = entries.filter { _, entry in
                guard kept < byteBudget / 2 else { return false }
                kept += Self.size(of: entry)
                return true
            }
            bytes = kept
        }
        if let old = entries.updateValue(entry, forKey: key) { bytes -= Self.size(of: old) }
        bytes += Self.size(of: entry)
    }

    /// Forgets a person's answers (erasure).
    mutating func remove(profile: ProfileID) {
        entries = entries.filter { $0.key.profile != profile }
        bytes = entries.values.reduce(0) { $0 + Self.size(of: $1) }
    }
}
