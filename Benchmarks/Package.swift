// swift-tools-version: 6.1
import PackageDescription

// StoreDesk's load benchmark: a package of its own so that the server's Package.swift stays as it is
// and a benchmark build never shares (or locks) the server's .build folder.
let package = Package(
    name: "StoreDeskBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "loadtest", targets: ["LoadTest"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Debian's libsqlite3: the benchmark reads the servers' inbox backlog from their database files.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // Generator, fake WeCom API, process probes and the report, in one process.
        .executableTarget(
            name: "LoadTest",
            dependencies: [
                "CSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
