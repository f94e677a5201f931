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

        // SQLite, for the audit trail and the state of workflow runs.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // libyaml, for workflow files.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),

        // libxml2, for the XML answers of the Query APIs.
        .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        // libcurl, the HTTP client under the wire layer.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // glibc's malloc tuning (`mallopt`), which the command uses to keep its peak memory low.
        .systemLibrary(name: "CMalloc"),

        // Signature Version 4: depends on nothing else in the package.
        .target(name: "SnapstepSigning", dependencies: ["CCrypto"]),

        // The wire layer, the EC2 and STS clients, credentials, the waiter, the snapshot step, fleets, workflows and
        // the audit trail.
        .target(name: "Snapstep", dependencies: ["SnapstepSigning", "CCurl", "CSQLite", "CXML2", "CYAML"]),

        // The `snapstep` command: parses arguments, calls the library, maps errors to exit codes.
        .executableTarget(name: "SnapstepCLI", dependencies: ["Snapstep", "CMalloc"]),

        .testTarget(
            name: "SnapstepSigningTests",
            dependencies: ["SnapstepSigning"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SnapstepTests", dependencies: ["Snapstep", "SnapstepSigning"]),
        .testTarget(name: "SnapstepEndToEndTests", dependencies: ["SnapstepCLI", "Snapstep", "SnapstepSigning"]),
        .testTarget(name: "SnapstepOracleTests", dependencies: ["Snapstep", "SnapstepSigning"]),
    ]
)
