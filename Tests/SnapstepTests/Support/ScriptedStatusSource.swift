import Snapstep
import Synchronization
import Testing

/// A snapshot status source that answers each poll from a script and counts the polls.
final class ScriptedStatusSource: SnapshotStatusSource {
    /// One scripted poll result.
    enum Poll: Sendable {
        /// The poll sees the snapshot.
        case snapshot(Snapshot)
        /// The poll fails.
        case failure(AWSError)
        /// The poll sees the snapshot, and the polling task is cancelled meanwhile, as by Ctrl-C.
        case cancellingTask(Snapshot)
    }

    private struct State {
        var polls: [Poll]
        var requestedIDs: [[String]] = []
    }

    private let state: Mutex<State>
    private let repeating: Poll?
    private let sourceLocation: SourceLocation

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - polls: The result of each poll, in order.
    ///   - repeating: The result of every poll after the script ends; `nil` makes such a poll a test failure.
    ///   - sourceLocation: Where test failures about the script are reported.
    init(_ polls: [Poll], thenRepeating repeating: Poll? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        state = Mutex(State(polls: polls))
        self.repeating = repeating
        self.sourceLocation = sourceLocation
    }

    /// The number of polls made.
    var pollCount: Int { state.withLock { $0.requestedIDs.count } }

    /// The ids each poll asked for.
    var requestedIDs: [[String]] { state.withLock { $0.requestedIDs } }

    /// Answers with the next scripted result.
    func describeSnapshots(ids: [String]) async throws(AWSError) -> [Snapshot] {
        let (poll, count) = state.withLock { state in
            state.requestedIDs.append(ids)
            return (state.polls.isEmpty ? repeating : state.polls.removeFirst(), state.requestedIDs.count)
        }
        switch poll {
        case .snapshot(let snapshot):
            return [snapshot]
        case .failure(let error):
            throw error
        case .cancellingTask(let snapshot):
            withUnsafeCurrentTask { $0?.cancel() }
            return [snapshot]
        case nil:
            Issue.record(
                "ScriptedStatusSource got poll \(count) but fewer were scripted", sourceLocation: sourceLocation)
            throw .cancelled(action: "DescribeSnapshots")
        }
    }
}
