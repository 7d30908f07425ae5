#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ranking quality averaged over test users, as EVALUATION.md defines it.
///
/// A rank counts from 1; rank 0 stands for "not ranked" (the test item never occurs in training),
/// which is a miss at every cut-off.
public struct RankingMetrics: Sendable, Hashable {
    /// How many test users the averages are over.
    public var users: Int
    /// The share of users whose test item ranks in the top 10 (= recall@10).
    public var hitRate10: Double
    /// The mean of 1/log2(rank + 1) over users, counting 0 beyond rank 10.
    public var ndcg10: Double
    /// The share of users whose test item ranks in the top 20.
    public var hitRate20: Double
    /// The mean of 1/log2(rank + 1) over users, counting 0 beyond rank 20.
    public var ndcg20: Double
    /// The mean of 1/rank over users, counting 0 beyond rank 100.
    public var mrr100: Double
    /// Distinct items in all top-10 lists ÷ items that can be ranked.
    public var coverage10: Double

    /// Averages per-user ranks.
    ///
    /// Sums run in user order, so the result does not depend on how ranks were computed.
    /// - Parameters:
    ///   - ranks: Each test user's rank of their test item, from 1; 0 when it is not ranked.
    ///   - coveredItems: How many distinct items appear in the users' top-10 lists.
    ///   - itemCount: How many items can be ranked (the items seen in training).
    public init(ranks: [Int], coveredItems: Int, itemCount: Int) {
        var hr10 = 0.0, ndcg10 = 0.0, hr20 = 0.0, ndcg20 = 0.0, mrr = 0.0
        for rank in ranks where rank > 0 {
            if rank <= 10 { hr10 += 1; ndcg10 += Self.discount(rank: rank) }
            if rank <= 20 { hr20 += 1; ndcg20 += Self.discount(rank: rank) }
            if rank <= 100 { mrr += 1 / Double(rank) }
        }
        let n = Double(max(ranks.count, 1))
        self.users = ranks.count
        self.hitRate10 = hr10 / n
        self.ndcg10 = ndcg10 / n
        self.hitRate20 = hr20 / n
        self.ndcg20 = ndcg20 / n
        self.mrr100 = mrr / n
        self.coverage10 = itemCount > 0 ? Double(coveredItems) / Double(itemCount) : 0
    }

    /// The gain of one relevant item at `rank` (from 1): 1/log2(rank + 1).
    public static func discount(rank: Int) -> Double {
        1 / log2(Double(rank + 1))
    }
}
