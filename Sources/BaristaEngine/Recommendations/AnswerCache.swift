import BaristaCore

/// Recent `for_you` answers per person, so a person asking again gets the same list without it
/// being recomputed, until anything it depends on changes.
///
/// Only answers that depend on nothing but the person, the trained model, the catalog and the
/// settings are kept: `for_you` with a trained model that knows every item of the person's
/// history and that needed no fallback. Each entry records the versions it was computed at (the
/// person's last event, the model's version, the catalog-and-settings generation), and a lookup
/// that finds any of them changed recomputes, so a new view of the person's changes their next
/// answer at once. Bounded: past `capacity` entries, half are dropped.
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

    let capacity: Int
    private var entries: [Key: Entry] = [:]

    init(capacity: Int = 100_000) { self.capacity = capacity }

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
        if entries.count >= capacity {
            var kept = 0
            entries = entries.filter { _ in
                kept += 1
                return kept <= capacity / 2
            }
        }
        entries[key] = entry
    }

    mutating func removeAll() { entries.removeAll() }

    /// Forgets a person's answers (erasure).
    mutating func remove(profile: ProfileID) {
        entries = entries.filter { $0.key.profile != profile }
    }
}
