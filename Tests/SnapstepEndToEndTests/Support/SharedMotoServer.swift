import Testing

/// A suite trait that starts one moto server for the whole suite and stops it once the suite's tests are done.
///
/// Starting moto takes seconds on a busy machine, so a suite whose tests each reset the server can share one. The
/// suite must also be `.serialized`: the tests reset the server's state, and one test's reset must not land in the
/// middle of another.
///
/// ```swift
/// @Suite(.serialized, .sharedMotoServer) struct SomeEndToEndTests {
///     @Test func something() async throws {
///         let server = try await SharedMotoServer.resetServer()
///     }
/// }
/// ```
struct SharedMotoServer: SuiteTrait, TestScoping {
    /// The server of the suite running in this task, if any.
    @TaskLocal static var current: MotoServer?

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withMotoServer { server in
            try await Self.$current.withValue(server) {
                try await function()
            }
        }
    }

    /// Returns the suite's server with its state wiped, as if it had just started.
    ///
    /// - Returns: The server.
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` outside a suite with this trait, or the error of
    ///   resetting the server.
    static func resetServer() async throws -> MotoServer {
        guard let current else {
            throw HarnessError.unexpectedOutput(
                expected: "a suite with the .sharedMotoServer trait", output: "no shared moto server")
        }
        try await current.reset()
        return current
    }
}

extension Trait where Self == SharedMotoServer {
    /// One moto server for every test of the suite; see ``SharedMotoServer``.
    static var sharedMotoServer: Self { SharedMotoServer() }
}
