import Categories
import Logging

/// Applies admin changes to the knowledge store and makes each one live at once, so the next
/// question is answered from it; a refused change becomes its HTTP answer.
struct KnowledgeEditor: Sendable {
    let store: any KnowledgeStore
    let live: LiveKnowledge

    /// Changes run one at a time, each made live before the next starts: otherwise a slow rebuild of
    /// an earlier snapshot could land after a quick patch of a later one and undo it.
    ///
    /// A change that makes the current calibration stale (an import, a replace) returns once the new one
    /// is live (seconds), so questions right after it are decided on thresholds made for it.
    func change<Result>(logger: Logger, _ body: (any KnowledgeStore) async throws -> Result) async throws -> Result {
        try await changeReportingCalibration(logger: logger, body).result
    }

    /// `change`, with the calibration that decides once it is made.
    func changeReportingCalibration<Result>(logger: Logger, _ body: (any KnowledgeStore) async throws -> Result)
        async throws -> (result: Result, calibration: Calibration.State)
    {
        await live.edits.acquire()
        do {
            let result = try await body(store)
            let started = ContinuousClock.now
            let calibration = await live.replace(with: try await store.knowledgeBase())
            if ContinuousClock.now - started > .milliseconds(500) {
                logger.info(
                    "Knowledge change calibrated before answering",
                    metadata: ["took": "\(ContinuousClock.now - started)", "calibration": "\(calibration.rawValue)"])
            }
            await live.edits.release()
            return (result, calibration)
        } catch let error as KnowledgeStoreError {
            await live.edits.release()
            logger.warning("Knowledge change refused", metadata: ["reason": "\(error)"])
            throw APIError(error)
        } catch {
            await live.edits.release()
            throw error
        }
    }
}
