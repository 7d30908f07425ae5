import ArgumentParser
import BaristaCore
import BaristaEngine
import Foundation

/// `barista users create|list|delete`: the people who sign in to the dashboard.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Create, list and delete dashboard accounts.", subcommands: [Create.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Create a dashboard account. The password comes from --password-stdin, else the \
            BARISTA_DASHBOARD_PASSWORD environment variable, else a prompt on a terminal; \
            without any of them a strong one is generated and printed once.
            """)
        @Argument(help: "The email the person signs in with.") var email: String
        @OptionGroup var site: SiteOption
        @Option(help: "admin (keys and settings too), marketer (everything else) or viewer (read only).") var role: String = "admin"
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Flag(help: "Replace the password and role of an existing account.") var reset = false
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one line of JSON.") var json = false

        func run() async throws {
            guard let role = DashboardRole(rawValue: role) else {
                throw ValidationError("--role must be admin, marketer or viewer, not \(role)")
            }
            let engine = try await store.openEngine()
            let site = try await site.resolve(in: engine)
            var generated = false
            let password: String
            if passwordStdin {
                password = readLine(strippingNewline: true) ?? ""
            } else if let fromEnvironment = ProcessInfo.processInfo.environment["BARISTA_DASHBOARD_PASSWORD"], !fromEnvironment.isEmpty {
                password = fromEnvironment
            } else if isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(email) (at least 10 characters): ") {
                password = String(cString: typed)
            } else {
                password = String(Engine.newToken().prefix(20))
                generated = true
            }
            do {
                if reset {
                    try await engine.resetDashboardUser(email: email, password: password, role: role, site: site.id)
                } else {
                    try await engine.createDashboardUser(email: email, password: password, role: role, site: site.id)
                }
            } catch BaristaError.invalid(let problems) {
                throw ValidationError(problems.map { "\($0.field.dropFirst()) \($0.message)" }.joined(separator: "; "))
            } catch BaristaError.conflict(let message), BaristaError.notFound(let message) {
                throw ValidationError(message + (reset ? "" : " (use --reset to change its password)"))
            }
            if json {
                var out: [String: JSONValue] = ["email": .string(email.lowercased()), "role": .string(role.rawValue), "site": .string(site.name)]
                if generated { out["password"] = .string(password) }
                Output.json(.object(out))
            } else {
                print("\(email.lowercased()) can sign in to the dashboard of \(site.name) as \(role.rawValue) at /dashboard/login")
                if generated { print("password: \(password)   (shown once)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a site's dashboard accounts.")
        @OptionGroup var site: SiteOption
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let engine = try await store.openEngine()
            let site = try await site.resolve(in: engine)
            for user in try await engine.dashboardUsers(site: site.id) {
                print("\(user.email)\t\(user.role.rawValue)\t\(Timestamp.format(user.createdAt))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a dashboard account and end its sessions.")
        @Argument(help: "The account's email.") var email: String
        @OptionGroup var site: SiteOption
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let engine = try await store.openEngine()
            let site = try await site.resolve(in: engine)
            guard try await engine.deleteDashboardUser(email: email, site: site.id) else {
                throw ValidationError("\(site.name) has no dashboard account \(email)")
            }
            print("deleted \(email.lowercased())")
        }
    }
}
