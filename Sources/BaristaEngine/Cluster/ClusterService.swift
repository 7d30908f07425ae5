import BaristaCore
import Foundation
import ServiceLifecycle

/// What keeps a node in step with the other nodes on a shared store (PostgreSQL):
///
/// - the link: a connection that listens for the others' announced changes and holds the leader's
///   advisory lock (or tries to take it every `leaderRetry`);
/// - the log: every `followInterval`, the events the others appended are folded into this node's
///   profiles, so a profile read on any node shows an event accepted by another within about that;
/// - decisions: every `decisionInterval`, the others' decisions are counted into the exposures and
///   the bandits' arms; in-app messages waiting to be shown are read again.
///
/// List it first among the services: shutdown runs in reverse order, so the leader keeps its lock
/// until the other services have written their last checkpoint.
public struct ClusterService: Service {
    let engine: Engine
    let followInterval: Duration
    let decisionInterval: Duration
    let leaderRetry: Duration

    /// - Parameters:
    ///   - followInterval: how often the shared log is read for the others' events (100 ms).
    ///   - decisionInterval: how often the others' decisions and in-app messages are read (1 s).
    ///   - leaderRetry: how often a node that does not lead tries to take the lock (1 s), and the
    ///     pause before reconnecting a lost link.
    public init(
        engine: Engine, followInterval: Duration = .milliseconds(100), decisionInterval: Duration = .seconds(1),
        leaderRetry: Duration = .seconds(1)
    ) {
        self.engine = engine
        self.followInterval = followInterval
        self.decisionInterval = decisionInterval
        self.leaderRetry = leaderRetry
    }

    /// Runs until graceful shutdown; then the link closes, which frees the leader's lock at once.
    public func run() async throws {
        guard let cluster = engine.cluster else { return }
        // Until the lock is taken, this node is not the leader.
        cluster.leading.store(false, ordering: .relaxed)
        let engine = self.engine, followInterval = self.followInterval, decisionInterval = self.decisionInterval
        let link = cluster.store.makeLink(node: cluster.node)
        let retry = leaderRetry
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await link.run(
                        retry: retry, onSignal: { signal in await engine.hear(signal) },
                        onLeadership: { leading in cluster.leading.store(leading, ordering: .relaxed) })
                }
                group.addTask {
                    var sinceDecisions = Duration.zero
                    while !Task.isCancelled {
                        await engine.followLog()
                        sinceDecisions += followInterval
                        if sinceDecisions >= decisionInterval {
                            sinceDecisions = .zero
                            await engine.followDecisionsAndMessages()
                        }
                        try? await Task.sleep(for: followInterval)
                    }
                }
                await group.waitForAll()
            }
        }
        engine.logger.info("cluster link closed", metadata: ["node": "\(cluster.node)"])
    }
}

extension Engine {
    /// Folds what other nodes appended to every loaded site's log, page by page until none is left.
    /// Returns the number of events folded.
    @discardableResult
    public func followLog() async -> Int {
        guard cluster != nil else { return 0 }
        var total = 0
        for runtime in await directory.all {
            do {
                while case .followed(let count) = try await committer.submit(.follow(runtime)), count > 0 {
                    total += count
                    if count < 5_000 { break }
                }
            } catch is CancellationError {
                return total
            } catch {
                logger.error("following the shared log failed", metadata: ["site.id": "\(runtime.id)", "error": "\(error)"])
            }
        }
        return total
    }

    /// Counts the other nodes' decisions and reads the in-app messages waiting, for every loaded site.
    func followDecisionsAndMessages() async {
        for runtime in await directory.all {
            do {
                while try await followDecisions(runtime) {}
                try await reloadInAppMessages(runtime)
            } catch is CancellationError {
                return
            } catch {
                logger.error("following the other nodes' decisions failed", metadata: ["site.id": "\(runtime.id)", "error": "\(error)"])
            }
        }
    }
}
