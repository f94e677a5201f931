import Foundation

/// Where the end-to-end tests find the repository, its Python tools and the built `snapstep` binary.
struct RepositoryLayout: Sendable {
    /// The layout of the repository that holds this source file.
    static let current = RepositoryLayout(
        root: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // SnapstepEndToEndTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    )

    /// The repository's root folder, the one holding `Package.swift`.
    let root: URL

    /// The Python environment that `scripts/bootstrap` creates.
    var virtualEnvironment: URL {
        root.appending(path: ".venv", directoryHint: .isDirectory)
    }

    /// The boto3 observer of the local endpoint.
    var observerScript: URL {
        root.appending(path: "scripts/ec2ctl.py", directoryHint: .notDirectory)
    }

    /// Returns the path of a program installed in the virtual environment.
    ///
    /// - Parameter name: The program's name in `.venv/bin`, such as `python` or `moto_server`.
    /// - Returns: The program's path.
    /// - Throws: ``HarnessError/missingVirtualEnvironment(path:)`` when the program is not there.
    func virtualEnvironmentProgram(named name: String) throws -> URL {
        let program = virtualEnvironment.appending(path: "bin/\(name)", directoryHint: .notDirectory)
        guard FileManager.default.isExecutableFile(atPath: program.path) else {
            throw HarnessError.missingVirtualEnvironment(path: program.path)
        }
        return program
    }

    /// Returns the built `snapstep` binary that these tests should run.
    ///
    /// `SNAPSTEP_BINARY` wins when it is set. Otherwise the binary is looked for beside the running test executable,
    /// which on Linux sits in the products folder of whatever scratch path `swift test` used, and last in
    /// `.build/debug`.
    ///
    /// - Returns: The binary's path.
    /// - Throws: ``HarnessError/missingBinary(searched:)`` when no candidate is an executable file.
    func snapstepBinary() throws -> URL {
        let candidates = binaryCandidates()
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw HarnessError.missingBinary(searched: candidates.map(\.path))
    }

    private func binaryCandidates() -> [URL] {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["SNAPSTEP_BINARY"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }

        // swift test starts the test bundle by its absolute path in the products folder.
        if let testExecutable = CommandLine.arguments.first {
            let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let productsFolder = URL(fileURLWithPath: testExecutable, relativeTo: workingDirectory)
                .standardizedFileURL.deletingLastPathComponent()
            candidates.append(productsFolder.appending(path: "snapstep", directoryHint: .notDirectory))
        }
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let productsFolder = URL(fileURLWithPath: executable).deletingLastPathComponent()
            candidates.append(productsFolder.appending(path: "snapstep", directoryHint: .notDirectory))
        }
        candidates.append(root.appending(path: ".build/debug/snapstep", directoryHint: .notDirectory))

        var seen: Set<String> = []
        return candidates.filter { seen.insert($0.path).inserted }
    }
}
