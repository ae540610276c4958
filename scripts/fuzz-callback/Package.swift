// swift-tools-version: 6.1
// The libFuzzer drill of the callback decoding (scripts/fuzz-callback.sh builds and runs it); not part
// of the main package, so that `swift build` there needs no fuzzer runtime.
import PackageDescription

let package = Package(
    name: "FuzzCallback",
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2")
    ],
    targets: [
        // WeComAdapter's Callback/ and Crypto/ folders (symbolic links): the whole decoding path and
        // nothing of the API client, so that the fuzzer build is swift-crypto alone.
        .target(
            name: "CallbackCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "FuzzCallback",
            dependencies: [
                "CallbackCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
    ]
)
