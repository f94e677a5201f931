// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "snapstep",
    products: [
        .library(name: "Snapstep", targets: ["Snapstep"]),
        .executable(name: "snapstep", targets: ["SnapstepCLI"]),
    ],
    targets: [
        // OpenSSL's libcrypto, for SHA-256 and HMAC.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Signature Version 4: depends on nothing else in the package.
        .target(name: "SnapstepSigning", dependencies: ["CCrypto"]),

        // The wire layer, the EC2 and STS clients, credentials, the waiter and the snapshot step.
        .target(name: "Snapstep", dependencies: ["SnapstepSigning"]),

        // The `snapstep` command: parses arguments, calls the library, maps errors to exit codes.
        .executableTarget(name: "SnapstepCLI", dependencies: ["Snapstep"]),

        .testTarget(
            name: "SnapstepSigningTests",
            dependencies: ["SnapstepSigning"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SnapstepTests", dependencies: ["Snapstep", "SnapstepSigning"]),
        .testTarget(name: "SnapstepEndToEndTests", dependencies: ["SnapstepCLI"]),
    ]
)
