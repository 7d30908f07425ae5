import ArgumentParser
import BaristaCore
import BaristaEngine
import Foundation

/// `barista import items|events|online-retail FILE`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a catalog, events, or the UCI Online Retail shop.",
        subcommands: [Items.self, Events.self, OnlineRetail.self])

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl
    }

    /// Reads every record of a CSV or JSONL file.
    static func records(path: String, format: Format?, kind: RecordKind) throws -> [Record] {
        let chosen = format ?? (path.hasSuffix(".csv") || path.hasSuffix(".csv.gz") ? .csv : .jsonl)
        switch chosen {
        case .csv:
            var reader = try CSVRecordReader(path: path, kind: kind)
            return try reader.readAll()
        case .jsonl:
            var reader = try JSONLRecordReader(path: path)
            return try reader.readAll()
        }
    }

    static func finish(_ summary: LoadSummary, label: String, json: Bool, extra: [String: JSONValue] = [:]) {
        Output.error(summary.printed(label: label))
        if json {
            var object = summary.json.objectValue ?? [:]
            object.merge(extra) { $1 }
            Output.json(.object(object))
        }
    }

    /// What `import items` and `import events` share: the file, its format, the store and the site.
    struct FileOptions: ParsableArguments {
        @Argument(help: "The file to read (.csv, .jsonl; gzip is detected).") var file: String
        @Option(help: "csv or jsonl (default: from the file name).") var format: Format?
        @OptionGroup var store: StoreOptions
        @OptionGroup var site: SiteOption
        @Flag(help: "Print one line of JSON.") var json = false

        /// Reads the file and loads its records into the site, with a progress bar and a summary.
        func load(_ kind: RecordKind) async throws {
            let engine = try await store.openEngine()
            let site = try await site.resolve(in: engine)
            let records = try ImportCommand.records(path: file, format: format, kind: kind)
            var bar = ProgressBar(label: kind.rawValue, total: records.count)
            var summary = LoadSummary()
            let loader = BulkLoader(engine: engine, site: site.id)
            switch kind {
            case .items: try await loader.loadItems(records, summary: &summary) { bar.advance(by: $0) }
            case .events:
                try await loader.loadEvents(records, summary: &summary) { bar.advance(by: $0) }
                try await engine.settle()
            }
            bar.finish()
            ImportCommand.finish(summary, label: kind.rawValue, json: json)
        }
    }

    struct Items: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import items (CSV with a header row, or JSONL).")
        @OptionGroup var options: FileOptions
        func run() async throws { try await options.load(.items) }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import events (CSV with a header row, or JSONL).")
        @OptionGroup var options: FileOptions
        func run() async throws { try await options.load(.events) }
    }

    struct OnlineRetail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "online-retail",
            abstract: "Turn the UCI Online Retail file (online_retail.csv.gz) into a site: catalog, customers and orders.")
        @Argument(help: "online_retail.csv.gz (or the plain .csv).") var file: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var site: SiteOption
        @Flag(help: "Print one line of JSON.") var json = false

        func run() async throws {
            let engine = try await store.openEngine()
            let site = try await site.resolve(in: engine)
            var reader = try OnlineRetailReader(path: file)
            var readBar = ProgressBar(label: "invoice lines", total: nil)
            let converted = try reader.convert { readBar.update(completed: $0) }
            readBar.finish()
            let loader = BulkLoader(engine: engine, site: site.id)
            var itemSummary = LoadSummary()
            var itemBar = ProgressBar(label: "items", total: converted.items.count)
            try await loader.loadItems(converted.items.enumerated().map { Record(line: $0.offset + 1, result: .success($0.element)) },
                summary: &itemSummary) { itemBar.advance(by: $0) }
            itemBar.finish()
            var eventSummary = LoadSummary()
            var eventBar = ProgressBar(label: "events", total: converted.events.count)
            try await loader.loadEvents(converted.events.enumerated().map { Record(line: $0.offset + 1, result: .success($0.element)) },
                summary: &eventSummary) { eventBar.advance(by: $0) }
            try await engine.settle()
            eventBar.finish()
            let source = converted.summary
            var reasons: [String: JSONValue] = [:]
            for (reason, count) in source.rejected { reasons["\(reason)"] = .number(Double(count)) }
            Output.error("""
                online-retail: \(source.rowsRead) lines read; \(source.items) products, \(source.customers) customers, \(source.orders) orders
                  lines left out: \(source.rejected.sorted { $0.value > $1.value }.map { "\($0.value)× \($0.key)" }.joined(separator: ", "))
                \(itemSummary.printed(label: "items"))
                \(eventSummary.printed(label: "events"))
                """)
            if json {
                Output.json([
                    "rows_read": .number(Double(source.rowsRead)), "items": .number(Double(itemSummary.imported)),
                    "customers": .number(Double(source.customers)), "orders": .number(Double(source.orders)),
                    "events": .number(Double(eventSummary.imported)), "duplicates": .number(Double(eventSummary.duplicates)),
                    "rejected": .number(Double(source.rejectedTotal + itemSummary.rejected + eventSummary.rejected)),
                    "rejected_lines": .object(reasons),
                ])
            }
        }
    }
}
