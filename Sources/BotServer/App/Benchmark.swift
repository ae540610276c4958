import ArgumentParser
import Categories
import Escalation
import Foundation

/// `BotServer bench`: matching speed and memory on a generated knowledge base, printed as figures
/// (the targets are checked here, not by timed tests).
struct Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Build the question engine on a generated knowledge base and print build time, query latency and memory.")

    @Option(help: "Phrasings in the generated knowledge base (4 per entry).")
    var phrasings = 100_000

    @Option(help: "Questions to time.")
    var queries = 2_000

    @Option(help: "Seed of the generator, so runs compare.")
    var seed: UInt64 = 42

    @Option(help: "The sentence model's folder, to rank with it beside the character n-grams (default: lexical only).")
    var sentenceModel: String?

    func run() async throws {
        var generator = SplitMix64(seed: seed)
        let knowledgeBase = try SyntheticKnowledge.make(phrasings: phrasings, using: &generator)
        print(
            "knowledge base: \(knowledgeBase.entries.count) entries, \(phrasings) phrasings; resident \(Self.residentMegabytes()) MB"
        )
        // A command, not the server: training may occupy this thread; its pieces go to a pool of threads.
        let workers = ThreadPoolWorkers()
        let clock = ContinuousClock()
        var embedder: SentenceEmbedder?
        if let sentenceModel {
            do {
                embedder = try SentenceModelLoading.load(
                    environment: [SentenceModelLoading.environmentVariable: sentenceModel], configured: nil,
                    dataDirectory: URL(fileURLWithPath: ".")
                ).embedder
            } catch {
                throw ValidationError("\(error)")
            }
            print("sentence model: \(embedder?.modelName ?? "off"); resident \(Self.residentMegabytes()) MB")
        }
        let started = clock.now
        let engine = QuestionEngine(knowledgeBase: knowledgeBase, embedder: embedder, workers: workers)
        let buildTime = clock.now - started
        print("engine build (index, ranker, calibration): \(buildTime); resident \(Self.residentMegabytes()) MB")
        let calibration = engine.calibration
        print(
            "calibration: \(calibration.positives) held-out phrasings, \(calibration.negatives) simulated unseen; held-out top1 \(Self.format(calibration.heldOutTop1)), recall3 \(Self.format(calibration.heldOutRecall3)); answer at P ≥ \(Self.format(calibration.answerThreshold))"
        )

        let questions = (0..<queries).map { _ in SyntheticKnowledge.question(from: knowledgeBase, using: &generator) }
        var latencies: [Duration] = []
        latencies.reserveCapacity(questions.count)
        var decisions: [Decision: Int] = [:]
        var reasons: [String: Int] = [:]
        let policy = HandOverPolicy()
        for question in questions {
            let start = clock.now
            let assessment = policy.assess(question, with: engine)
            latencies.append(clock.now - start)
            decisions[assessment.decision, default: 0] += 1
            for reason in assessment.reasons { reasons[reason.rawValue, default: 0] += 1 }
        }
        let tally =
            Decision.allCases.compactMap { decision in
                decisions[decision].map { "\(decision.rawValue) \($0)" }
            }.joined(separator: ", ")
            + (reasons.isEmpty
                ? "" : "; reasons " + reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        latencies.sort()
        func percentile(_ p: Double) -> Duration { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(
            "matching: p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(latencies.last ?? .zero) over \(questions.count) questions (\(tally))"
        )
        print("resident memory: \(Self.residentMegabytes()) MB")
        try measureEdit(of: knowledgeBase, engine: engine, workers: workers, clock: clock)
    }

    /// An admin's edit (one entry reworded, one added) and how soon the next question sees it.
    private func measureEdit(
        of knowledgeBase: KnowledgeBase, engine: QuestionEngine, workers: any ParallelWorkers, clock: ContinuousClock
    ) throws {
        var entries = knowledgeBase.entries
        let edited = entries.count / 2
        entries[edited].similar.append("收银台旁边的蓝色机器连不上网")
        entries.append(
            KnowledgeEntry(
                id: KnowledgeEntryID(rawValue: "added"), category: knowledgeBase.categories[0].id, question: "仓库钥匙丢了找谁配",
                answer: "找店长"))
        let changed = try KnowledgeBase(categories: knowledgeBase.categories, entries: entries)
        let started = clock.now
        let how: String
        let updated: QuestionEngine
        if let patched = QuestionEngine(patching: engine, to: changed) {
            updated = patched
            how = "index patched"
        } else {
            updated = QuestionEngine(knowledgeBase: changed, reusingCalibrationOf: engine, workers: workers)
            how = "ranker rebuilt"
        }
        let elapsed = clock.now - started
        let seen = [("收银台旁边的蓝色机器连不上网", entries[edited].id), ("仓库钥匙丢了找谁配", KnowledgeEntryID(rawValue: "added"))]
            .map { question, id in updated.understand(question).candidates.first?.entry.id == id }
        print(
            "admin edit (1 entry reworded, 1 added): \(how) in \(elapsed); next question finds both: \(seen.allSatisfy { $0 }); resident \(Self.residentMegabytes()) MB"
        )
    }

    static func format(_ value: Double) -> String { String(format: "%.3f", value) }

    /// VmRSS from /proc (Linux), in MB.
    static func residentMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kilobytes / 1024
    }
}

/// A generated knowledge base that reads like store questions: topic words from a large vocabulary
/// of two-character terms, wrapped in the question forms associates use.
enum SyntheticKnowledge {
    static let forms = ["{a}{b}怎么办", "{a}的{b}在哪查", "怎么处理{a}{b}", "{a}{b}找谁", "{b}{a}了怎么弄", "请问{a}{b}怎么操作"]

    static func make(phrasings: Int, using generator: inout SplitMix64) throws -> KnowledgeBase {
        let terms = (0..<max(200, phrasings / 8)).map { _ in word(using: &generator) }
        let categories = (0..<8).map { Category(id: CategoryID(rawValue: "c\($0)"), name: "类别\($0)") }
        // Distinct pairs of terms, so that no two entries ask the same thing.
        var pairs = Set<[Int]>()
        let entries = (0..<max(1, phrasings / 4)).map { index -> KnowledgeEntry in
            var pair: [Int]
            repeat {
                pair = [Int(generator.next() % UInt64(terms.count)), Int(generator.next() % UInt64(terms.count))]
            } while pair[0] == pair[1] || !pairs.insert(pair.sorted()).inserted
            let (a, b) = (terms[pair[0]], terms[pair[1]])
            let texts = (0..<4).map { slot in
                forms[(index + slot) % forms.count].replacingOccurrences(of: "{a}", with: a)
                    .replacingOccurrences(of: "{b}", with: b)
            }
            return KnowledgeEntry(
                id: KnowledgeEntryID(rawValue: "e\(index)"), category: categories[index % categories.count].id,
                question: texts[0], similar: Array(texts.dropFirst()), answer: "答案\(index)")
        }
        return try KnowledgeBase(categories: categories, entries: entries)
    }

    /// A question like an entry's, in a form that entry's phrasings do not use.
    static func question(from knowledgeBase: KnowledgeBase, using generator: inout SplitMix64) -> String {
        let entry = knowledgeBase.entries[Int(generator.next() % UInt64(knowledgeBase.entries.count))]
        return "麻烦问下" + entry.question + "呀"
    }

    private static func word(using generator: inout SplitMix64) -> String {
        String(String.UnicodeScalarView((0..<2).map { _ in Unicode.Scalar(0x4E00 + UInt32(generator.next() % 3000))! }))
    }
}
