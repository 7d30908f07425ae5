import ArgumentParser
import BaristaCore
import BaristaEngine
import BaristaServer
import Foundation
import Logging

/// `barista demo`: a believable shop, generated in seconds, served at once.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a demo shop (2,000 products, 5,000 shoppers, 90 days of history) and serve it.")

    @Option(help: "The port to listen on.") var port: Int = 8080
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Where the demo's data goes; made fresh on every run.") var dataDir: String = "./barista-demo-data"
    @Option(help: "The random seed of the generated shop.") var seed: UInt64 = 42
    @Flag(help: "Generate and load, print the keys, but do not serve.") var noServe = false

    static let marker = ".barista-demo"
    static let dashboardEmail = "demo@barista.local"

    func run() async throws {
        ProcessMemory.limitMallocArenas()
        CLILogging.bootstrap(json: false)
        let logger = CLILogging.logger()
        try prepareDirectory()
        let started = ContinuousClock.now
        let engine = Engine(store: try await StoreOptions.parse(["--data-dir", dataDir]).openStore(logger: logger), logger: logger)
        let created = try await engine.createSite(named: "demo")
        try await DemoCampaigns.createRewards(engine: engine, site: created.site.id)
        let shop = DemoShopGenerator(seed: seed, now: Date()).generate()
        let loader = BulkLoader(engine: engine, site: created.site.id, batchSize: 10_000)
        var items = LoadSummary()
        try await loader.loadItems(shop.items.enumerated().map { Record(line: $0.offset + 1, result: .success($0.element)) }, summary: &items)
        var events = LoadSummary()
        var bar = ProgressBar(label: "demo events", total: shop.events.count)
        try await loader.loadEvents(shop.events.enumerated().map { Record(line: $0.offset + 1, result: .success($0.element)) },
            summary: &events) { bar.advance(by: $0) }
        try await engine.settle()
        bar.finish()
        let profiles = try await engine.profileCount(site: created.site.id)
        let model = try await engine.train(site: created.site.id)
        let segments = try await DemoAudiences.create(engine: engine, site: created.site.id, items: shop.items)
        let triggers = try await DemoCampaigns.create(engine: engine, site: created.site.id)
        let dashboardPassword = String(Engine.newToken().prefix(16))
        try await engine.createDashboardUser(email: Self.dashboardEmail, password: dashboardPassword, role: .admin, site: created.site.id)
        Output.error("segments: " + segments.map { "\($0.definition.key) \($0.size)" }.joined(separator: ", ") + "; quiz: style"
            + "; experience: home-hero; triggers: " + triggers.joined(separator: ", "))
        Output.error("demo shop ready in \(ContinuousClock.now - started): \(items.imported) products, \(profiles) profiles, \(events.imported) events (\(events.rejected) rejected)"
            + (model.map { ", for_you model \($0.version) trained in \(String(format: "%.1f", $0.trainSeconds)) s" } ?? ""))
        let banner: @Sendable (String) -> Void = { url in
            Output.line("""

                Barista demo shop
                  url:             \(url)
                  dashboard:       \(url)/dashboard   (sign in as \(Self.dashboardEmail), password \(dashboardPassword))
                  secret key:      \(created.secretKey)
                  publishable key: \(created.publishableKey)
                  data directory:  \(dataDir)

                Try:
                  curl -s \(url)/v1/profiles?limit=3 -H 'Authorization: Bearer \(created.secretKey)'
                  curl -s \(url)/v1/recommendations -H 'Authorization: Bearer \(created.publishableKey)' \\
                    -d '{"user":{"user_id":"cust-00001"},"strategy":"for_you","limit":5}'
                  curl -s \(url)/v1/segments -H 'Authorization: Bearer \(created.secretKey)'
                  curl -s \(url)/v1/segments/vip/members?limit=3 -H 'Authorization: Bearer \(created.secretKey)'
                  curl -s \(url)/v1/decide -H 'Authorization: Bearer \(created.publishableKey)' \\
                    -d '{"user":{"user_id":"cust-00001"},"placements":["home_hero","in_app"]}'
                  curl -s \(url)/v1/triggers -H 'Authorization: Bearer \(created.secretKey)'
                  curl -s \(url)/v1/messages -H 'Authorization: Bearer \(created.secretKey)'
                  curl -s \(url)/v1/rewards/program -H 'Authorization: Bearer \(created.secretKey)'
                """)
        }
        guard !noServe else {
            banner("http://\(host):\(port) (not serving: --no-serve)")
            return
        }
        try await ServeCommand.serve(engine: engine, configuration: ServerConfiguration(host: host, port: port), logger: logger, banner: banner)
    }

    /// Makes `dataDir` fresh: removes an earlier demo's data, refuses to touch anything else.
    func prepareDirectory() throws {
        let files = FileManager.default
        if files.fileExists(atPath: dataDir) {
            let contents = (try? files.contentsOfDirectory(atPath: dataDir)) ?? []
            guard contents.isEmpty || contents.contains(Self.marker) else {
                throw ValidationError("\(dataDir) holds data that is not a Barista demo; choose another --data-dir")
            }
            try files.removeItem(atPath: dataDir)
        }
        try files.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        _ = files.createFile(atPath: (dataDir as NSString).appendingPathComponent(Self.marker), contents: Data("made by barista demo\n".utf8))
    }
}
