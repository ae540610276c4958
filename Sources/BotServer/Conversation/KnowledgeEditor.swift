import Categories
import Logging

/// Applies admin changes to the knowledge store and makes each one live at once, so the next
/// question is answered from it; a refused change becomes its HTTP answer.
struct KnowledgeEditor: Sendable {
    let store: any KnowledgeStore
    let live: LiveKnowledge

    func change<Result>(logger: Logger, _ body: (any KnowledgeStore) async throws -> Result) async throws -> Result {
        do {
            let result = try await body(store)
            await live.replace(with: try await store.knowledgeBase())
            return result
        } catch let error as KnowledgeStoreError {
            logger.warning("Knowledge change refused", metadata: ["reason": "\(error)"])
            throw APIError(error)
        }
    }
}
