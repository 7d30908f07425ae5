// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Barista",
    platforms: [.macOS(.v15), .iOS(.v16)],
    products: [
        .executable(name: "barista", targets: ["barista"]),
        .library(name: "BaristaCore", targets: ["BaristaCore"]),
        .library(name: "BaristaServer", targets: ["BaristaServer"]),
        .library(name: "BaristaClient", targets: ["BaristaClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "BaristaCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "BaristaSQLite",
            dependencies: ["BaristaCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "BaristaPostgres",
            dependencies: [
                "BaristaCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BaristaModels",
            dependencies: ["BaristaCore"],
            swiftSettings: strict
        ),
        .target(
            name: "BaristaEngine",
            dependencies: [
                "BaristaCore", "BaristaModels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BaristaServer",
            dependencies: [
                "BaristaCore", "BaristaEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BaristaClient",
            swiftSettings: strict
        ),
        .target(
            name: "BaristaTesting",
            dependencies: ["BaristaCore", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "barista",
            dependencies: [
                "BaristaCore", "BaristaSQLite", "BaristaPostgres", "BaristaEngine", "BaristaServer", "BaristaModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // The fuzz target of the event decoder and the segment-rule parser: scripts/fuzz.sh builds it
        // with -sanitize=fuzzer for libFuzzer; the normal build replays the committed corpus.
        .executableTarget(name: "barista-fuzz", dependencies: ["BaristaCore"], swiftSettings: strict),
        .testTarget(name: "BaristaCoreTests", dependencies: ["BaristaCore", "BaristaTesting"]),
        .testTarget(name: "BaristaSQLiteTests", dependencies: ["BaristaSQLite", "BaristaTesting", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "BaristaPostgresTests", dependencies: ["BaristaPostgres", "BaristaTesting"]),
        .testTarget(name: "BaristaModelsTests", dependencies: ["BaristaModels", "BaristaTesting"]),
        .testTarget(
            name: "BaristaEngineTests",
            dependencies: [
                "BaristaEngine", "BaristaSQLite", "BaristaTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "BaristaServerTests",
            dependencies: [
                "BaristaServer", "BaristaSQLite", "BaristaEngine", "BaristaTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "baristaTests", dependencies: ["barista", "BaristaTesting"]),
        .testTarget(
            name: "BaristaClientTests",
            dependencies: ["BaristaClient", "BaristaServer", "BaristaEngine", "BaristaSQLite", "BaristaTesting"]
        ),
    ]
)
