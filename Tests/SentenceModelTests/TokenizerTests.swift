import Foundation
import Testing

@testable import SentenceModel

/// Normaliser and tokenizer against the wheel's pure-Python SentencePiece port.
@Suite(.enabled(if: TestModel.isAvailable, TestModel.skipReason))
struct TokenizerTests {
    @Test func normalizedTextMatchesReference() throws {
        let tokenizer = try TestModel.tokenizer()
        let fixture = try ReferenceFixture.load()
        for reference in fixture.cases {
            #expect(
                tokenizer.normalizer.normalize(reference.text) == reference.normalized,
                "normalised text differs for \(reference.text.debugDescription)")
        }
    }

    @Test func tokenIDsMatchReferenceForEverySentence() throws {
        let tokenizer = try TestModel.tokenizer()
        let fixture = try ReferenceFixture.load()
        #expect(fixture.cases.count >= 60)
        var mismatches = 0
        for reference in fixture.cases {
            let ids = tokenizer.encode(reference.text)
            if ids != reference.ids { mismatches += 1 }
            #expect(ids == reference.ids, "token ids differ for \(reference.text.debugDescription)")
        }
        print("token ids: \(fixture.cases.count - mismatches)/\(fixture.cases.count) sentences identical to the reference")
    }

    @Test func specialTokensAndEdgeCases() throws {
        let tokenizer = try TestModel.tokenizer()
        #expect(tokenizer.vocabularySize == 128_000)
        // Empty and whitespace-only text: a lone <unk> between <s> and </s>.
        #expect(tokenizer.encode("") == [1, 0, 2])
        #expect(tokenizer.encode(" \t\u{3000} ") == [1, 0, 2])
        #expect(tokenizer.encode("", addBeginningOfSentence: false, addEndOfSentence: false) == [0])
        let plain = tokenizer.encode("调拨单在哪查", addBeginningOfSentence: false, addEndOfSentence: false)
        #expect(tokenizer.encode("调拨单在哪查") == [1] + plain + [2])
        #expect(tokenizer.piece(for: 1) == "<s>")
        #expect(tokenizer.piece(for: 999_999) == nil)
        // Full-width forms fold to ASCII before tokenizing.
        #expect(tokenizer.encode("＃１００１") == tokenizer.encode("#1001"))
    }
}
