import Foundation
import Testing

@testable import SentenceModel

/// End-to-end embeddings against the wheel's numpy backend.
@Suite(.enabled(if: TestModel.isAvailable, TestModel.skipReason))
struct SentenceEncoderTests {
    @Test func embeddingsMatchReference() throws {
        let (fixture, vectors) = try TestModel.fixtureEmbeddings.get()
        var minimum = 1.0
        var worst = ""
        var maxNormError = 0.0
        for (reference, vector) in zip(fixture.cases, vectors) {
            #expect(vector.count == fixture.dimension)
            let similarity = cosine(vector, reference.embedding)
            if similarity < minimum {
                minimum = similarity
                worst = reference.text
            }
            maxNormError = max(maxNormError, abs(norm(vector) - 1))
            #expect(similarity >= 0.9999, "cosine \(similarity) for \(reference.text.debugDescription)")
            #expect(abs(norm(vector) - 1) < 1e-5)
        }
        print(
            "embeddings: minimum cosine \(minimum) (\(worst.prefix(20).debugDescription)), max |norm − 1| \(maxNormError) over \(fixture.cases.count) sentences"
        )
    }

    @Test func batchGivesTheSameBitsAsSingle() throws {
        let encoder = try TestModel.encoder()
        let (fixture, singles) = try TestModel.fixtureEmbeddings.get()
        let texts = fixture.cases.map(\.text)
        let batch = encoder.embed(texts)
        #expect(batch.count == texts.count)
        for (index, text) in texts.enumerated() {
            #expect(
                batch[index].map(\.bitPattern) == singles[index].map(\.bitPattern),
                "batch differs for \(text.debugDescription)")
        }
        #expect(encoder.embed([]).isEmpty)
    }

    @Test func semanticSanity() throws {
        let encoder = try TestModel.encoder()
        let fixture = try ReferenceFixture.load()
        for pair in fixture.pairs {
            let swift = Double(SentenceEncoder.cosineSimilarity(encoder.embed(pair.a), encoder.embed(pair.b)))
            print("cos(\(pair.a), \(pair.b)) = \(swift) (reference \(pair.cosine))")
            #expect(abs(swift - pair.cosine) < 1e-4)
        }
        let query = encoder.embed("调拨单在哪查")
        let related = SentenceEncoder.cosineSimilarity(query, encoder.embed("怎么查调拨记录"))
        let unrelated = SentenceEncoder.cosineSimilarity(query, encoder.embed("今天天气怎么样"))
        #expect(related > unrelated + 0.3)
    }

    @Test func concurrentCallersShareOneEncoder() async throws {
        let encoder = try TestModel.encoder()
        let expected = encoder.embed("收银机打印纸没了去哪领")
        let results = await withTaskGroup(of: [Float].self) { group in
            for _ in 0..<4 {
                group.addTask { encoder.embed("收银机打印纸没了去哪领") }
            }
            return await group.reduce(into: [[Float]]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
