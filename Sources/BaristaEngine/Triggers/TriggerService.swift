import BaristaCore
import Foundation
import ServiceLifecycle
import Synchronization

/// The trigger scheduler: every `interval` (1 s by default, so a message that falls due goes out
/// within about that) it plans a pass (``Engine/planTriggerPass(policy:)``) and starts sending it
/// (``Engine/send(_:transport:policy:)``) without waiting for the passes still sending, so a slow
/// or dead receiver holds up only its own people. At most `maxPassesSending` passes send at once
/// (so at most that many times `policy.concurrency` requests are out). At graceful shutdown it
/// waits for the deliveries under way and writes the outbox changes still in memory.
public struct TriggerService: Service {
    let engine: Engine
    let transport: any WebhookTransport
    let policy: DeliveryPolicy
    let interval: Swift.Duration
    let maxPassesSending: Int

    /// A scheduler for `engine`, delivering through `transport` (the process's HTTP client by default).
    public init(
        engine: Engine, transport: any WebhookTransport = HTTPWebhookTransport.shared, policy: DeliveryPolicy = DeliveryPolicy(),
        interval: Swift.Duration = .seconds(1), maxPassesSending: Int = 4
    ) {
        self.engine = engine
        self.transport = transport
        self.policy = policy
        self.interval = interval
        self.maxPassesSending = max(1, maxPassesSending)
    }

    /// Runs passes until graceful shutdown.
    public func run() async throws {
        let interval = self.interval
        let ticks = AsyncStream<Void> { continuation in
            let task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield()
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        let sending = PassesSending()
        await withDiscardingTaskGroup { group in
            for await _ in ticks.cancelOnGracefulShutdown() {
                do {
                    // With several nodes, the leader alone sends; every node writes what its fold scheduled.
                    guard engine.isLeader, sending.count.withLock({ $0 }) < maxPassesSending else {
                        try await engine.flushOutboxes()
                        continue
                    }
                    let pass = try await engine.planTriggerPass(policy: policy)
                    guard !pass.isEmpty else { continue }
                    sending.count.withLock { $0 += 1 }
                    group.addTask { [engine, transport, policy] in
                        defer { sending.count.withLock { $0 -= 1 } }
                        do {
                            let report = try await engine.send(pass, transport: transport, policy: policy)
                            guard report != TriggerPassReport() else { return }
                            engine.logger.debug("trigger pass", metadata: [
                                "delivered": "\(report.delivered)", "retried": "\(report.retried)", "dead": "\(report.dead)",
                                "suppressed": "\(report.suppressed)", "deferred": "\(report.deferred)", "ready": "\(report.ready)",
                            ])
                        } catch {
                            engine.logger.error("trigger pass failed", metadata: ["error": "\(error)"])
                        }
                    }
                } catch {
                    engine.logger.error("trigger pass failed", metadata: ["error": "\(error)"])
                }
            }
        }
        try await engine.flushOutboxes()
    }
}

/// How many passes are sending, shared by the scheduler's loop and its sending tasks.
private final class PassesSending: Sendable {
    let count = Mutex(0)
}

extension Engine {
    /// Writes every loaded site's outbox changes still in memory.
    public func flushOutboxes() async throws {
        for runtime in await directory.all { try await flushOutbox(runtime) }
    }
}
