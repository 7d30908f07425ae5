import ArgumentParser
import BaristaCore
import BaristaEngine
import Foundation

/// `barista decisions export --site NAME [--experience KEY] [--output FILE]`: the decision log as
/// JSON lines, in the layout `barista ope --log` reads.
struct DecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions", abstract: "The decision log of experiences.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the decision log as JSON lines for `barista ope --log` (reward 1 when a conversion was attributed).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var siteOption: SiteOption

        @Option(help: "Only this experience's decisions.")
        var experience: String?

        @Option(help: "Write here instead of standard output.")
        var output: String?

        func run() async throws {
            let engine = try await store.openEngine()
            let site = try await siteOption.resolve(in: engine)
            let rows = try await engine.decisionLog(site: site.id, experience: experience)
            var text = ""
            for (decision, converted) in rows where !decision.holdout { text += decision.offPolicyLine(converted: converted) + "\n" }
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
                Output.error("decisions: \(rows.count) written to \(output)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
