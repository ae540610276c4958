import Categories
import Logging

/// Applies admin changes to the knowledge store and makes each one live at once, so the next
/// question is answered from it; a refused change becomes its HTTP answer.
struct KnowledgeEditor: Sendable {
    let store: any KnowledgeStore
    let live: LiveKnowledge

    /// Changes run one at a time, each made live before the next starts: otherwise a slow rebuild of
    /// an earlier snapshot could land after a quick patch of a later one and undo it.
    func change<Result>(logger: Logger, _ body: (any KnowledgeStore) async throws -> Result) async throws -> Result {
        await live.edits.acquire()
        do {
            let result = try await body(store)
            await live.replace(with: try await store.knowledgeBase())
            await live.edits.release()
            return result
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
