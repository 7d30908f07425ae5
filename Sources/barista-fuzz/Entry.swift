import Foundation

#if FUZZING
/// The target libFuzzer drives, chosen by `BARISTA_FUZZ_TARGET` (scripts/fuzz.sh sets it).
let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["BARISTA_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set BARISTA_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

/// libFuzzer's callback: one input at a time, coverage-guided.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    fuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Hands the command line to libFuzzer (linked by `-sanitize=fuzzer`), which calls back with one
/// input at a time, coverage-guided. SwiftPM gives every executable its own `main` (whichever `main`
/// the linker keeps, the same callback runs).
@main
struct Fuzz {
    static func main() {
        _ = fuzzTarget
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = runFuzzerDriver(&argc, &argv, fuzzOne)
        exit(status)
    }
}
#else
/// Without the fuzzer: `barista-fuzz DIR` replays every input under `DIR/events` and
/// `DIR/segments` (the committed corpus), so the normal build checks that every input libFuzzer
/// ever kept still passes.
@main
struct Replay {
    static func main() throws {
        let root = CommandLine.arguments.dropFirst().first ?? "Tests/fuzz/corpus"
        var total = 0
        for target in FuzzTarget.allCases {
            let directory = (root as NSString).appendingPathComponent(target.rawValue)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            for name in names {
                let data = try Data(contentsOf: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
                data.withUnsafeBytes { target.run($0) }
            }
            print("\(target.rawValue): \(names.count) inputs replayed")
            total += names.count
        }
        print("corpus ok: \(total) inputs")
    }
}
#endif
