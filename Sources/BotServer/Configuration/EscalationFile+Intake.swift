import Categories
import Escalation
import Yams

extension EscalationFile {
    /// `intake`: per category id, a list of at most two questions (`key`, `ask`, optional `recognize`);
    /// `[]` means none. Categories the file does not list keep the standard questions.
    static func intakeQuestions(_ node: Node, _ reader: Reader) throws(ConfigurationError)
        -> [(category: CategoryID, questions: [IntakeQuestion], keyNode: Node)]
    {
        var result: [(category: CategoryID, questions: [IntakeQuestion], keyNode: Node)] = []
        for (key, keyNode, value) in try reader.entries(node, of: "intake") {
            let items = try reader.list(value, "intake.\(key)")
            guard items.count <= IntakePlan.maximumQuestions else {
                throw reader.error(
                    "intake.\(key) has \(items.count) questions; at most \(IntakePlan.maximumQuestions) are asked",
                    at: value)
            }
            var questions: [IntakeQuestion] = []
            for item in items {
                let fields = try reader.fields(item, of: "an intake question", allowed: ["key", "ask", "recognize"])
                guard let keyField = fields["key"], let askField = fields["ask"] else {
                    throw reader.error("an intake question of \(key) needs a key and an ask", at: item)
                }
                let answerKey = try reader.text(keyField, "an intake question's key")
                if questions.contains(where: { $0.key == answerKey }) {
                    throw reader.error("intake.\(key) asks for \"\(answerKey)\" twice", at: keyField)
                }
                let prompt = try reader.text(askField, "an intake question's ask")
                var recognizer: IntakeRecognizer?
                if let node = fields["recognize"] {
                    let name = try reader.text(node, "recognize")
                    guard let known = IntakeRecognizer(rawValue: name) else {
                        throw reader.error(
                            "unknown recognizer \"\(name)\" (expected "
                                + IntakeRecognizer.allCases.map(\.rawValue).joined(separator: ", ") + ")", at: node)
                    }
                    recognizer = known
                }
                questions.append(IntakeQuestion(key: answerKey, prompt: prompt, recognizer: recognizer))
            }
            result.append((CategoryID(rawValue: key), questions, keyNode))
        }
        return result
    }
}
