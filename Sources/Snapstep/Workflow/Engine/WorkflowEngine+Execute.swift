import FoundationEssentials

/// Running the steps of every target.
extension WorkflowEngine {
    /// Runs every step of every target that is not finished yet.
    func execute(runID: String, definition: WorkflowDefinition, dryRun: Bool) async -> WorkflowReport {
        var report = WorkflowReport(
            runID: runID, workflow: definition.name, status: dryRun ? .planned : .succeeded, isDryRun: dryRun,
            targets: [], error: nil)
        do throws(SnapshotError) {
            try setStatus(.running, runID)
            var runEnvironment = environment
            runEnvironment.callObserver = store.callObserver(runID: runID, target: nil, stepID: nil) { error in
                environment.logger.warning("Could not record an AWS call", metadata: ["error": "\(error)"])
            }
            let connection = try await Connection.open(
                resolver: resolver, environment: runEnvironment, integration: definition.integration,
                region: definition.region, account: definition.account)
            let base = definition.makeContext(runID: runID, isDryRun: dryRun)
            let targets = try await fixTargets(runID: runID, definition: definition, base: base, connection: connection)
            let executor = StepExecutor(
                environment: runEnvironment, schedule: schedule, resolver: resolver, interruption: interruption)

            for target in targets {
                var targetReport = WorkflowReport.TargetReport(volumeID: target.volumeID, steps: [])
                let stop: WorkflowReport.Status?
                do {
                    stop = try await run(
                        target, into: &targetReport, runID: runID, definition: definition, base: base,
                        connection: connection, executor: executor, dryRun: dryRun)
                } catch {
                    report.targets.append(targetReport)
                    throw error
                }
                report.targets.append(targetReport)
                if let stop {
                    report.status = stop
                    if stop == .waitingApproval { try setStatus(.waitingApproval, runID) }
                    return report
                }
            }
            try setStatus(.succeeded, runID)
            try append(.runFinished(status: .succeeded, summary: "\(targets.count) targets"), runID)
        } catch {
            let wasInterrupted = error.exitCode == 130
            report.status = wasInterrupted ? .interrupted : .failed
            report.error = error
            try? store.setRunStatus(wasInterrupted ? .interrupted : .failed, runID: runID)
            _ = try? store.append(
                .runFinished(status: wasInterrupted ? .interrupted : .failed, summary: error.description), runID: runID)
        }
        return report
    }

    /// Fixes the run's targets once, so that a resume acts on the same volumes.
    private func fixTargets(
        runID: String, definition: WorkflowDefinition, base: DictionaryContext, connection: Connection
    ) async throws(SnapshotError) -> [Volume] {
        let state = try state(of: runID)
        if let stored = state.step(target: Self.runWide, stepID: WorkflowTargets.stateStepID), stored.phase == .done {
            let ids = (stored.details["volumes"] ?? "").split(separator: ",").map(String.init)
            return ids.compactMap { id in
                state.step(target: id, stepID: WorkflowTargets.stateStepID).flatMap {
                    WorkflowTargets.volume(from: $0.details)
                }
            }
        }
        let volumes = try await WorkflowTargets.resolve(
            definition, context: base, connection: connection, now: environment.signingClock.date)
        do {
            for volume in volumes {
                try store.recordDone(
                    runID: runID, target: volume.volumeID, stepID: WorkflowTargets.stateStepID,
                    outputs: WorkflowTargets.record(volume))
            }
            try store.recordDone(
                runID: runID, target: Self.runWide, stepID: WorkflowTargets.stateStepID,
                outputs: ["volumes": volumes.map(\.volumeID).joined(separator: ",")])
        } catch {
            throw Self.storeError(error)
        }
        return volumes
    }

    /// Runs one target's steps, adding each to `report`; returns why the run must stop here, if it must.
    private func run(
        _ target: Volume, into report: inout WorkflowReport.TargetReport, runID: String,
        definition: WorkflowDefinition, base: DictionaryContext, connection: Connection, executor: StepExecutor,
        dryRun: Bool
    ) async throws(SnapshotError) -> WorkflowReport.Status? {
        var outputs: [String: [String: Value]] = [:]
        let state = try state(of: runID)

        for (index, step) in definition.steps.enumerated() {
            let prior = state.step(target: target.volumeID, stepID: step.id)
            if prior?.phase == .done {
                outputs[step.id] = OutputCoding.decode(prior?.details ?? [:], kinds: step.type.outputs)
                report.steps.append(
                    .init(id: step.id, type: step.type.rawValue, status: "succeeded", outputs: outputs[step.id] ?? [:]))
                continue
            }
            if prior?.phase == .skipped {
                report.steps.append(.init(id: step.id, type: step.type.rawValue, status: "skipped", outputs: [:]))
                continue
            }
            // Ctrl-C stops the run here, before a step that may change something starts; a resume starts it.
            guard !interruption.isRequested else { throw .runInterrupted(runID: runID) }

            var values = base.values
            values["target"] = WorkflowTargets.contextValue(of: target)
            values["steps"] = .map(outputs.mapValues { .map($0) })
            let context = DictionaryContext(values)
            guard try shouldRun(step, in: context) else {
                try record(.skipped, runID, target.volumeID, step.id)
                try append(
                    .stepFinished(target: target.volumeID, stepID: step.id, status: .skipped, outputs: [:], error: nil),
                    runID)
                report.steps.append(.init(id: step.id, type: step.type.rawValue, status: "skipped", outputs: [:]))
                continue
            }
            var parameters: [String: Value] = [:]
            for (name, template) in step.with {
                let value: Value
                do {
                    value = try template.resolve(in: context)
                } catch {
                    throw .invalidInput(reason: "step \(step.id), \(name): \(error)")
                }
                // A value that came through an expression gets the same check as one written in the file, so that
                // `keep_newest: ${{ inputs.keep }}` with a bad input cannot delete every snapshot.
                // In a dry run, outputs of steps that did not really run are empty: nothing to check yet.
                let isPlaceholder = dryRun && value == .string("")
                if !isPlaceholder, let problem = step.type.parameter(named: name)?.kind.problem(with: value) {
                    throw .invalidInput(reason: "step \(step.id), \(name) \(problem)")
                }
                parameters[name] = value
            }

            if step.type == .approval {
                switch try approval(
                    step, target: target, runID: runID, state: state, dryRun: dryRun, parameters: parameters)
                {
                case .approved(let stepOutputs):
                    outputs[step.id] = stepOutputs
                    report.steps.append(
                        .init(
                            id: step.id, type: step.type.rawValue, status: dryRun ? "allowed" : "succeeded",
                            outputs: stepOutputs))
                    continue
                case .waiting:
                    report.steps.append(
                        .init(id: step.id, type: step.type.rawValue, status: "waiting_approval", outputs: [:]))
                    return .waitingApproval
                case .rejected:
                    report.steps.append(.init(id: step.id, type: step.type.rawValue, status: "rejected", outputs: [:]))
                    return .rejected
                }
            }

            try append(.stepStarted(target: target.volumeID, stepID: step.id, stepType: step.type.rawValue), runID)
            let scope = WorkflowScope(
                runID: runID, target: target, step: step, parameters: parameters, earlierOutputs: outputs,
                earlierSteps: Array(definition.steps[..<index]), connection: connection, isDryRun: dryRun, store: store,
                previousState: prior, checkpoint: { [onCrashPoint] point in onCrashPoint(step.id, point) })
            let stepOutputs: [String: Value]
            do {
                stepOutputs = try await executor.execute(scope)
            } catch {
                try? store.recordPhase(
                    .failed, runID: runID, target: target.volumeID, stepID: step.id,
                    details: ["error": error.description])
                _ = try? store.append(
                    .stepFinished(
                        target: target.volumeID, stepID: step.id, status: .failed, outputs: [:],
                        error: error.description),
                    runID: runID)
                let status = error.exitCode == 130 ? "interrupted" : "failed"
                report.steps.append(
                    .init(id: step.id, type: step.type.rawValue, status: status, outputs: [:], error: error))
                throw error
            }
            outputs[step.id] = stepOutputs
            let encoded = OutputCoding.encode(stepOutputs)
            do {
                try store.recordDone(runID: runID, target: target.volumeID, stepID: step.id, outputs: encoded)
            } catch {
                throw Self.storeError(error)
            }
            onCrashPoint(step.id, .after)
            try append(
                .stepFinished(
                    target: target.volumeID, stepID: step.id, status: .succeeded, outputs: encoded, error: nil), runID)
            report.steps.append(
                .init(
                    id: step.id, type: step.type.rawValue, status: dryRun ? "allowed" : "succeeded",
                    outputs: stepOutputs))
        }
        return nil
    }

    private func shouldRun(_ step: StepDefinition, in context: DictionaryContext) throws(SnapshotError) -> Bool {
        guard let condition = step.condition else { return true }
        do {
            let value = try condition.evaluate(in: context)
            guard let flag = value.boolValue else {
                throw SnapshotError.invalidInput(
                    reason: "step \(step.id): its if: gave \(value.text), not true or false")
            }
            return flag
        } catch let error as SnapshotError {
            throw error
        } catch {
            throw .invalidInput(reason: "step \(step.id): its if: cannot be worked out: \(error)")
        }
    }

    private enum ApprovalState {
        case approved([String: Value])
        case waiting
        case rejected
    }

    /// Decides an approval step from the run-wide decision, or pauses the run to wait for one.
    private func approval(
        _ step: StepDefinition, target: Volume, runID: String, state: RunState, dryRun: Bool,
        parameters: [String: Value]
    ) throws(SnapshotError) -> ApprovalState {
        if dryRun { return .approved(["approved": .bool(true)]) }
        guard let decision = state.step(target: Self.runWide, stepID: step.id), decision.phase == .done else {
            try record(.waiting, runID, target.volumeID, step.id, ["message": parameters["message"]?.text ?? ""])
            try append(
                .stepFinished(
                    target: target.volumeID, stepID: step.id, status: .waitingApproval, outputs: [:], error: nil),
                runID)
            return .waiting
        }
        guard decision.details["approved"] == "true" else { return .rejected }
        let outputs: [String: Value] = ["approved": .bool(true)]
        do {
            try store.recordDone(
                runID: runID, target: target.volumeID, stepID: step.id, outputs: OutputCoding.encode(outputs))
        } catch {
            throw Self.storeError(error)
        }
        return .approved(outputs)
    }

    // MARK: - Store

    private func setStatus(_ status: StoredRun.Status, _ runID: String) throws(SnapshotError) {
        do {
            try store.setRunStatus(status, runID: runID)
        } catch {
            throw Self.storeError(error)
        }
    }

    private func append(_ event: AuditEvent, _ runID: String) throws(SnapshotError) {
        do {
            _ = try store.append(event, runID: runID)
        } catch {
            throw Self.storeError(error)
        }
    }

    private func record(
        _ phase: RunState.Step.Phase, _ runID: String, _ target: String, _ stepID: String,
        _ details: [String: String] = [:]
    ) throws(SnapshotError) {
        do {
            try store.recordPhase(phase, runID: runID, target: target, stepID: stepID, details: details)
        } catch {
            throw Self.storeError(error)
        }
    }
}
