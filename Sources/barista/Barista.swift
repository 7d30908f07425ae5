import ArgumentParser
import Foundation

/// The `barista` command: the server, its data, and the tools around it.
@main
struct Barista: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "barista",
        abstract: "Barista: a self-hosted, real-time personalization engine.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, SitesCommand.self, KeysCommand.self, ImportCommand.self,
            MigrateCommand.self, TrainCommand.self, EvaluateCommand.self, OpeCommand.self, DecisionsCommand.self, ClvCommand.self, BenchCommand.self,
            BackupCommand.self, RestoreCommand.self, UsersCommand.self, ExportSiteCommand.self, ImportSiteCommand.self,
        ]
    )
}
