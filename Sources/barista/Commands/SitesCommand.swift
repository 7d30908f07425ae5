import ArgumentParser
import BaristaCore
import BaristaEngine
import Foundation

/// `barista sites create|list`.
struct SitesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sites", abstract: "Create and list sites.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a site and its first secret and publishable keys.")
        @Argument(help: "The site's name (letters, digits, '-', '_', '.').") var name: String
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one line of JSON.") var json = false

        func run() async throws {
            let engine = try await store.openEngine()
            let created: (site: Site, secretKey: String, publishableKey: String)
            do {
                created = try await engine.createSite(named: name)
            } catch BaristaError.conflict(let message) {
                throw ValidationError(message)
            } catch BaristaError.invalid(let errors) {
                throw ValidationError("the name \(errors.first?.message ?? "is invalid")")
            }
            if json {
                Output.json(["site": .string(created.site.name), "site_id": .string(created.site.id.rawValue),
                    "secret_key": .string(created.secretKey), "publishable_key": .string(created.publishableKey)])
            } else {
                print("site \(created.site.name) created (\(created.site.id))")
                print("secret key:      \(created.secretKey)   (server side only; shown once)")
                print("publishable key: \(created.publishableKey)   (safe in a browser or app)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sites.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one line of JSON.") var json = false

        func run() async throws {
            let sites = try await store.openEngine().sites()
            if json {
                Output.json(["sites": .array(sites.map { ["site": .string($0.name), "site_id": .string($0.id.rawValue),
                    "created_at": .string(Timestamp.format($0.createdAt))] })])
            } else {
                for site in sites { print("\(site.name)\t\(site.id)\t\(Timestamp.format(site.createdAt))") }
            }
        }
    }
}

/// `barista keys create|list|revoke`.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key (shown once).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var site: SiteOption
        @Option(help: "secret or publishable.") var scope: String
        @Flag(help: "Print one line of JSON.") var json = false

        func run() async throws {
            guard let scope = KeyScope(rawValue: scope) else { throw ValidationError("--scope must be secret or publishable") }
            let engine = try await store.openEngine()
            let site = try await site.resolve(in: engine)
            let key = try await engine.createKey(site: site.id, scope: scope)
            if json {
                Output.json(["site": .string(site.name), "scope": .string(scope.rawValue), "key": .string(key),
                    "prefix": .string(String(key.prefix(APIKeyRecord.prefixLength)))])
            } else {
                print(key)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a site's keys (prefixes only).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var site: SiteOption
        @Flag(help: "Print one line of JSON.") var json = false

        func run() async throws {
            let engine = try await store.openEngine()
            let site = try await site.resolve(in: engine)
            let keys = try await engine.keys(site: site.id)
            if json {
                Output.json(["keys": .array(keys.map { key in
                    ["prefix": .string(key.prefix), "scope": .string(key.scope.rawValue), "created_at": .string(Timestamp.format(key.createdAt)),
                        "revoked_at": key.revokedAt.map { .string(Timestamp.format($0)) } ?? .null]
                })])
            } else {
                for key in keys {
                    print("\(key.prefix)…\t\(key.scope.rawValue)\t\(Timestamp.format(key.createdAt))\t\(key.revokedAt.map { "revoked " + Timestamp.format($0) } ?? "active")")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke the keys that start with a prefix.")
        @Argument(help: "The key's prefix, as `keys list` shows it (at least 8 characters).") var prefix: String
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one line of JSON.") var json = false

        func run() async throws {
            guard prefix.count >= 8 else { throw ValidationError("give at least 8 characters of the key, e.g. sk_3fk9a2") }
            let count = try await store.openEngine().revokeKeys(prefix: prefix)
            guard count > 0 else { throw ValidationError("no active key starts with \(prefix)") }
            if json { Output.json(["revoked": .number(Double(count))]) } else { print("revoked \(count) key(s)") }
        }
    }
}
