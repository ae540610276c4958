// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "StoreDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "BotServer", targets: ["BotServer"]),
        .library(name: "WeComAdapter", targets: ["WeComAdapter"]),
        .library(name: "Categories", targets: ["Categories"]),
        .library(name: "Escalation", targets: ["Escalation"]),
        .library(name: "SentenceModel", targets: ["SentenceModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Hummingbird's own dependency; the request parts a channel handler sees (RequestDeadlineHandler).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
        // Tests only: property-based tests of the callback decoding.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The WeCom protocol and nothing else: crypto, callback decoding, passive replies, API client.
        .target(
            name: "WeComAdapter",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // OpenCC (Debian's libopencc-dev): traditional ↔ simplified Chinese, phrase by phrase.
        .systemLibrary(
            name: "COpenCC",
            pkgConfig: "opencc",
            providers: [.apt(["libopencc-dev"]), .brew(["opencc"])]
        ),
        // Understanding a question: categories, knowledge base, matching, the answer decision.
        .target(
            name: "Categories",
            dependencies: [
                "COpenCC",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            // Training the matcher is numeric work that runs ~30x slower unoptimised; optimise this
            // module in debug builds too, so tests and `swift run` start in seconds.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Who handles a conversation: the conversation reducer, the hand-over policy (tickets, routing and SLA next).
        .target(
            name: "Escalation",
            dependencies: [
                "Categories",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The executable that wires the modules: HTTP, storage, workers, configuration, CLI.
        .executableTarget(
            name: "BotServer",
            dependencies: [
                "WeComAdapter", "Categories", "Escalation", "SentenceModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // A fake WeCom API (gettoken, message/send, user/get, department/list) for the tests.
        .target(
            name: "FakeWeCom",
            dependencies: [
                "WeComAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/FakeWeCom",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WeComAdapterTests",
            dependencies: [
                "WeComAdapter", "FakeWeCom",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CategoriesTests",
            dependencies: ["Categories", "SentenceModel", .product(name: "GRDB", package: "GRDB.swift")],
            // The intent classifier's held-out set (written apart from Config/intents.jsonl, never trained on).
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // Google's multilingual Universal Sentence Encoder v3 in Swift (tokenizer and network), weights fetched
        // by scripts/fetch-sentence-model.py, never committed. Foundation only. BotServer gives it to the
        // matcher and the intent classifier (Categories' SentenceEmbedding) when the weights are there.
        // Optimised in debug builds too: unoptimised, a knowledge base's phrasings take minutes to embed.
        .target(
            name: "SentenceModel",
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .testTarget(
            name: "SentenceModelTests",
            dependencies: ["SentenceModel"],
            // The reference (the wheel's own token ids and embeddings) is read through #filePath.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EscalationTests",
            dependencies: ["Escalation", "Categories"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BotServerTests",
            dependencies: [
                "BotServer", "FakeWeCom", "WeComAdapter", "Categories", "Escalation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
