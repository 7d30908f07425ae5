import ArgumentParser
import BaristaCore
import BaristaModels
import Foundation

/// `barista clv fit`: fits the BG/NBD and Gamma-Gamma customer-lifetime models.
///
/// Reads a per-customer summary (`--summary`) or a transaction log (`--transactions` with
/// `--calibration-end`), fits both models by maximum likelihood and prints their parameters: a
/// table, or with `--json` one line of compact JSON, last on stdout. Progress goes to standard
/// error.
struct ClvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv", abstract: "Customer-lifetime models (BG/NBD and Gamma-Gamma).", subcommands: [Fit.self])

    /// `barista clv fit (--summary FILE | --transactions FILE --calibration-end DATE) [--json]`.
    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit BG/NBD (and Gamma-Gamma when spend is known) to purchase histories.")

        @Option(help: "A summary CSV: frequency,recency,T[,monetary_value] (or CDNOW's ID,x,t_x,T,zbar).")
        var summary: String?

        @Option(help: "A transaction log: a customer_id,date,amount CSV or CDNOW's 'customer_id YYYYMMDD cds usd'.")
        var transactions: String?

        @Option(help: "With --transactions: the last day of the calibration period (YYYY-MM-DD).")
        var calibrationEnd: String?

        @Flag(help: "Print one line of compact JSON last on stdout.")
        var json = false

        func validate() throws {
            switch (summary, transactions) {
            case (nil, nil): throw ValidationError("Give --summary FILE or --transactions FILE --calibration-end DATE.")
            case (.some, .some): throw ValidationError("Give --summary or --transactions, not both.")
            case (nil, .some) where calibrationEnd == nil: throw ValidationError("--transactions needs --calibration-end DATE.")
            case (.some, nil) where calibrationEnd != nil: throw ValidationError("--calibration-end goes with --transactions.")
            default: break
            }
        }

        func run() async throws {
            let clock = ContinuousClock()
            let path = summary ?? transactions ?? ""
            Output.error("clv: reading \(path)")
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ValidationError("\(path): cannot read the file (\(error.localizedDescription))")
            }
            let customers: CLVSummary
            do {
                customers =
                    if let calibrationEnd { try CLVSummary(transactions: text, calibrationEnd: calibrationEnd) } else { try CLVSummary(csv: text) }
            } catch {
                throw ValidationError("\(path): \(error)")
            }
            guard !customers.customers.isEmpty else { throw ValidationError("\(path): no customers") }
            let repeaters = customers.customers.count { $0.frequency > 0 }
            Output.error("clv: \(customers.customers.count) customers, \(repeaters) with repeat purchases")

            var start = clock.now
            let bgnbd = BGNBD.fit(customers: customers.customers)
            Output.error("clv: BG/NBD fitted in \(Self.format(Self.seconds(start.duration(to: clock.now)), 3)) s")
            var gammaGamma: GammaGamma?
            if customers.hasMonetaryValue {
                start = clock.now
                gammaGamma = GammaGamma.fit(customers: customers.customers)
                Output.error("clv: Gamma-Gamma fitted in \(Self.format(Self.seconds(start.duration(to: clock.now)), 3)) s")
            }

            if json {
                Output.line(Self.jsonLine(bgnbd: bgnbd, gammaGamma: gammaGamma))
            } else {
                print(Self.table(bgnbd: bgnbd, gammaGamma: gammaGamma))
            }
        }

        /// The fit as one line of compact JSON, members in the order API.md lists them.
        static func jsonLine(bgnbd: BGNBD, gammaGamma: GammaGamma?) -> String {
            func object(_ members: [(String, Double)]) -> String {
                "{" + members.map { JSON.string(.string($0.0)) + ":" + JSON.string(.number($0.1)) }.joined(separator: ",") + "}"
            }
            let first = object([
                ("r", bgnbd.r), ("alpha", bgnbd.alpha), ("a", bgnbd.a), ("b", bgnbd.b), ("log_likelihood", bgnbd.logLikelihood),
            ])
            let second = gammaGamma.map {
                object([("p", $0.p), ("q", $0.q), ("gamma", $0.gamma), ("log_likelihood", $0.logLikelihood)])
            }
            return "{\"bgnbd\":\(first),\"gamma_gamma\":\(second ?? "null")}"
        }

        /// The fit as a small two-column table.
        static func table(bgnbd: BGNBD, gammaGamma: GammaGamma?) -> String {
            var rows: [(String, String)] = [
                ("BG/NBD r", format(bgnbd.r, 5)), ("BG/NBD alpha", format(bgnbd.alpha, 5)),
                ("BG/NBD a", format(bgnbd.a, 5)), ("BG/NBD b", format(bgnbd.b, 5)),
                ("BG/NBD LL", format(bgnbd.logLikelihood, 3)),
            ]
            if let gammaGamma {
                rows += [
                    ("Gamma-Gamma p", format(gammaGamma.p, 5)), ("Gamma-Gamma q", format(gammaGamma.q, 5)),
                    ("Gamma-Gamma gamma", format(gammaGamma.gamma, 5)), ("Gamma-Gamma LL", format(gammaGamma.logLikelihood, 3)),
                ]
            } else {
                rows.append(("Gamma-Gamma", "not fitted (no monetary values)"))
            }
            return rows.map { $0.0.padding(toLength: 19, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
        }

        private static func format(_ value: Double, _ decimals: Int) -> String {
            String(format: "%.\(decimals)f", value)
        }

        private static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
    }
}
