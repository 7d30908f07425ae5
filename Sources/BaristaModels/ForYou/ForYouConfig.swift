/// Every hyper-parameter of ``ForYouModel``.
///
/// The model scores an item by summing, over a person's history (newest first), two kinds of
/// item → item links, each weighted by the entry's feedback weight and a recency factor:
/// - **collaborative** links (``ItemNeighbours``) from a base model: EASEᴿ pruned to each item's
///   ``neighbours`` strongest links, or, for large catalogs, links derived from implicit-ALS item
///   factors; an entry at position `p` (0 = newest) that happened `Δt` seconds before the newest
///   counts `recencyDecay^p × 0.5^(Δt / recencyHalfLife)`;
/// - **sequence** links: which items followed which in ordered histories (within
///   ``sequenceWindow`` steps), as conditional frequencies; an entry at position `p` counts
///   `sequenceWeight × sequenceDecay^p`.
/// Both tables are scaled so that an item's strongest link is about 1, so weights compare across
/// data sets.
///
/// ## The catalog-size rule
/// ``defaults(itemCount:)`` picks EASE up to ``easeItemLimit`` (10,000) items and implicit ALS
/// above. EASE holds a dense `itemCount²` matrix of floats while training and inverts it in
/// `itemCount³` flops; measured on two cores (about 15 interactions per person, as many people as
/// items): 3,662 items 1 s per fit; 10,000 items 19 s per fit, 430 MB peak; 16,000 items 1 GB
/// and about 2 minutes per fit. Tuning fits EASE about five times, so 10,000 items is where it
/// stays within a few minutes and well within 8 GB. Implicit ALS grows with the interactions (and
/// `factors²`); its links cost `itemCount² × factors` multiply-adds without holding anything
/// dense: 20,000 items train in 3.5 s (90 MB peak, a 19 MB model), 100,000 items in about a
/// minute (310 MB peak, a 98 MB model with 100 links per item); tuning adds a second
/// factorization and a second link pass (100,000 items: about 3 minutes, 780 MB peak). Scoring
/// a 30-item history costs 20–40 µs at any of these sizes.
public struct ForYouConfig: Sendable, Hashable {
    /// The model the collaborative links come from.
    public enum Base: String, Sendable, Hashable, CaseIterable {
        /// EASEᴿ: a dense item × item closed form, pruned to the strongest links.
        case ease
        /// Implicit ALS (conjugate gradient): item factors, linked by their implied item × item model.
        case ials
    }

    /// How implicit-ALS item factors become links.
    public enum FactorSimilarity: String, Sendable, Hashable, CaseIterable {
        /// `yᵢᵀ(YᵀY + λI)⁻¹yⱼ`: the score ALS gives `j` for a person whose only item is `i`.
        case implied
        /// The cosine of the two items' factors.
        case cosine
    }

    /// The largest catalog for which ``defaults(itemCount:)`` picks EASE.
    public static let easeItemLimit = 10_000

    /// The model the collaborative links come from.
    public var base: Base
    /// EASE: the L2 regularization λ.
    public var lambda: Float
    /// Implicit ALS: latent factors per item and person.
    public var factors: Int
    /// Implicit ALS: the L2 regularization.
    public var regularization: Float
    /// Implicit ALS: the confidence slope (confidence 1 + alpha for a present item).
    public var alpha: Float
    /// Implicit ALS: alternations of a person pass and an item pass.
    public var iterations: Int
    /// Implicit ALS: how item factors become links.
    public var factorSimilarity: FactorSimilarity
    /// Collaborative links kept per item.
    public var neighbours: Int
    /// The weight of a history entry per step back from the newest (1: no decay).
    public var recencyDecay: Float
    /// The age (seconds before the newest entry) at which an entry counts half; 0 turns time decay off.
    public var recencyHalfLife: Double
    /// The weight of the sequence links relative to the collaborative ones (0: off).
    public var sequenceWeight: Float
    /// The weight of a history entry's sequence links per step back from the newest.
    public var sequenceDecay: Float
    /// Training: an item counts as following another when at most this many steps after it.
    public var sequenceWindow: Int
    /// Sequence links kept per item.
    public var sequenceNeighbours: Int

    /// Creates a configuration; every value has the default the tuning starts from (see the
    /// properties for what each means).
    public init(
        base: Base = .ease, lambda: Float = 100, factors: Int = 64, regularization: Float = 0.1, alpha: Float = 1,
        iterations: Int = 15, factorSimilarity: FactorSimilarity = .cosine, neighbours: Int = 100,
        recencyDecay: Float = 0.9, recencyHalfLife: Double = 0, sequenceWeight: Float = 0.5, sequenceDecay: Float = 0.5,
        sequenceWindow: Int = 3, sequenceNeighbours: Int = 50
    ) {
        self.base = base
        self.lambda = lambda
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.factorSimilarity = factorSimilarity
        self.neighbours = neighbours
        self.recencyDecay = recencyDecay
        self.recencyHalfLife = recencyHalfLife
        self.sequenceWeight = sequenceWeight
        self.sequenceDecay = sequenceDecay
        self.sequenceWindow = sequenceWindow
        self.sequenceNeighbours = sequenceNeighbours
    }

    /// The starting configuration for a catalog of `itemCount` items: EASE up to
    /// ``easeItemLimit`` items, implicit ALS above (see the catalog-size rule above).
    /// - Parameter itemCount: The number of items.
    public static func defaults(itemCount: Int) -> ForYouConfig {
        itemCount <= easeItemLimit ? ForYouConfig(base: .ease) : ForYouConfig(base: .ials)
    }

    /// The values for reports (`barista evaluate`'s `config`): the base as 0 (EASE) or 1 (iALS),
    /// then the parameters that apply to it.
    public var report: [String: Double] {
        var values: [String: Double] = [
            "base_ials": base == .ials ? 1 : 0, "neighbours": Double(neighbours),
            "recency_decay": Self.decimal(recencyDecay), "recency_half_life": recencyHalfLife,
            "sequence_weight": Self.decimal(sequenceWeight), "sequence_decay": Self.decimal(sequenceDecay),
            "sequence_window": Double(sequenceWindow), "sequence_neighbours": Double(sequenceNeighbours),
        ]
        switch base {
        case .ease: values["lambda"] = Self.decimal(lambda)
        case .ials:
            values["factors"] = Double(factors)
            values["regularization"] = Self.decimal(regularization)
            values["alpha"] = Self.decimal(alpha)
            values["iterations"] = Double(iterations)
            values["factor_cosine"] = factorSimilarity == .cosine ? 1 : 0
        }
        return values
    }

    /// A Float as the Double of its shortest decimal text (0.1 reports as 0.1).
    private static func decimal(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }
}
