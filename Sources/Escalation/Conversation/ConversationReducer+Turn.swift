import Categories
import Foundation

extension ConversationReducer {
    /// The handling of one message: the state as it changes and the effects collected.
    struct Turn {
        let reducer: ConversationReducer
        var state: ConversationState
        let knowledge: QuestionEngine
        let context: Context
        let now: Date
        var effects: [ConversationEffect] = []

        init(reducer: ConversationReducer, state: ConversationState, knowledge: QuestionEngine, context: Context, now: Date) {
            self.reducer = reducer
            self.state = state
            self.knowledge = knowledge
            self.context = context
            self.now = now
        }

        private var replies: BotReplies { reducer.replies }

        mutating func say(_ reply: Reply) { effects.append(.reply(reply)) }

        // MARK: - Text

        mutating func respond(toText text: String) {
            let command = AssociateCommand.parse(text)
            // Ticket commands work in any state (a colleague of the same store may ask too).
            switch command {
            case .storeTickets?:
                effects.append(.storeTickets)
                return
            case .progress(let number)?:
                effects.append(.ticket(number, .progress))
                return
            case .add(let number, let note)?:
                effects.append(.ticket(number, .add(note)))
                return
            default:
                break
            }
            // While an agent owns the conversation the bot stays silent: everything goes onto the ticket.
            if let ticket = state.ticket {
                switch command {
                case .newQuestion?:
                    effects.append(.ticket(ticket, .returnToBot))
                    state.ticket = nil
                case .withdraw?:
                    effects.append(.ticket(ticket, .withdraw))
                    state.ticket = nil
                default:
                    effects.append(.ticket(ticket, .add(text)))
                }
                return
            }
            let mode = state.mode(at: now)
            if case .intake(let pending) = mode {
                continueIntake(pending, answer: text, command: command)
                return
            }
            if case .rating(let ticket, _) = mode,
                let rating = SuggestionPick.parse(text, count: TicketRating.allCases.count).map({ TicketRating.allCases[$0 - 1] })
                    ?? TicketRating.parse(TextNormalizer.normalize(text))
            {
                effects.append(.ticket(ticket, .rate(rating)))
                state.mode = .idle
                return
            }
            if case .choosing(let choice) = mode {
                // A number picks from the list just offered.
                let offered = choice.entries
                if let pick = SuggestionPick.parse(text, count: offered.count) {
                    answer(offered[pick - 1], question: text)
                    return
                }
                // A number (or a category's name) answers the category choice just offered.
                let categories = choice.categories
                if let question = choice.question, !categories.isEmpty,
                    let chosen = SuggestionPick.parse(text, count: categories.count).map({ categories[$0 - 1] })
                        ?? categoryNamed(text, among: categories)
                {
                    suggest(question, in: chosen)
                    return
                }
                // "都不是" to the suggestions just offered for a question hands it over.
                if let question = choice.question, !offered.isEmpty, NoneOfThese.matches(text) {
                    decline(question, offered: offered)
                    return
                }
            }
            // 有用 / 没用 right after an answer is feedback on it; 没用 hands the question to a person.
            if case .awaitingFeedback(let answered) = mode, let helpful = Feedback.parse(text) {
                effects.append(.feedback(onMessage: answered.messageKey, helpful: helpful))
                state.mode = .idle
                if helpful {
                    say(.text(replies.feedbackThanks))
                } else if let question = answered.question {
                    let entry = answered.entry.flatMap { knowledge.knowledgeBase.entry($0) }
                    handOver(question, reducer.policy.unhelpful(answer: entry), as: .unhelpful)
                } else {
                    say(.text(replies.feedbackSorry))
                }
                return
            }

            let assessment = reducer.policy.assess(text, with: knowledge, region: context.region)
            // Every first message is logged once, under its decision.
            let answered = assessment.decision == .answer ? assessment.candidates.first?.entry.id : nil
            if assessment.decision == .escalate {
                handOver(text, assessment, as: nil)
                return
            }
            say(
                reducer.firstReply(
                    to: assessment, text: text, region: context.region, choiceID: context.newChoiceID, knowledge: knowledge))
            effects.append(.logQuestion(LoggedQuestion(text: text, assessment: assessment, answered: answered)))
            switch assessment.decision {
            case .answer:
                state.mode = .awaitingFeedback(
                    AnsweredQuestion(messageKey: context.messageKey, answeredAt: now, question: text, entry: answered))
                offerPersonIfAskedAgain(text)
            case .suggest:
                let entries = assessment.candidates.prefix(3).map(\.entry.id)
                offer(.entries(Array(entries)), for: text)
                offerPersonIfAskedAgain(text)
            case .clarify:
                offer(.categories(ConversationReducer.choosableCategories(knowledge).map(\.id)), for: text)
            case .escalate, .smalltalk:
                break  // small talk leaves an open list open
            }
        }

        /// The same question again within `AskedQuestion.repeatWindow`: the answer again, and the offer of
        /// a person (only an explicit request opens a ticket).
        private mutating func offerPersonIfAskedAgain(_ text: String) {
            let normal = TextNormalizer.normalize(text)
            if let last = state.lastQuestion, last.normalized == normal,
                now.timeIntervalSince(last.askedAt) <= AskedQuestion.repeatWindow
            {
                say(
                    .choices(
                        ChoiceList(
                            id: context.newChoiceID + "-p", intro: replies.askedAgain,
                            items: [.init(label: replies.requestPersonButton, action: .requestPerson)],
                            outro: replies.askedAgainOutro)))
            }
            state.lastQuestion = AskedQuestion(normalized: normal, askedAt: now, text: text)
        }

        // MARK: - Intake

        /// The associate's answer to an intake question: kept (跳过, 不知道 skip it), then the next
        /// question or the ticket. 转人工 skips the rest; 不用了 cancels the hand-over.
        private mutating func continueIntake(_ pending: PendingTicket, answer text: String, command: AssociateCommand?) {
            var request = pending.request
            if command == .withdraw {
                state.mode = .idle
                say(.text(replies.handOverCancelled))
                return
            }
            request.transcript.append(TranscriptLine(direction: .fromAssociate, text: text, at: now))
            let normal = TextNormalizer.normalize(text)
            let reasons = reducer.policy.assess(text, with: knowledge).reasons
            // An emergency or a complaint written in answer to a question is not an order number: the
            // ticket opens at once, urgent. What the question's recognizer finds (an order number) is
            // the answer, whatever else the text seems to say.
            let asked = pending.asking < request.intake.count ? request.intake[pending.asking] : nil
            let recognized = asked.flatMap { answer in
                reducer.intake.questions(for: request.category).first { $0.key == answer.key }?.recognizer?.find(in: text)
            }
            let pressing = recognized != nil ? [] : reasons.filter { $0 == .urgent || $0 == .complaint }
            if !pressing.isEmpty {
                request.priority = .urgent
                request.reasons += pressing.filter { !request.reasons.contains($0) }
            }
            let skipsAll = reasons.contains(.requestedHuman) || !pressing.isEmpty
            if !skipsAll, pending.asking < request.intake.count {
                request.intake[pending.asking].answer = IntakeSkip.matches(normal) ? nil : text
            }
            askNextIntakeQuestion(request, after: skipsAll ? request.intake.count : pending.asking + 1)
        }

        /// The intake `pending` was not finished in time: the ticket opens with the answers given, and
        /// `input` (a message written now) joins it. 不用了 still cancels; a ticket command is still
        /// answered as such.
        mutating func openOverdue(_ pending: PendingTicket, with input: ConversationInput) {
            var request = pending.request
            state.mode = .idle
            if case .text(let raw) = input {
                let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                switch AssociateCommand.parse(text) {
                case .withdraw?:
                    say(.text(replies.handOverCancelled))
                    return
                case .storeTickets?, .progress?, .add?:
                    effects.append(.openTicket(request))
                    respond(toText: text)
                    return
                case .newQuestion?, nil:
                    request.transcript.append(TranscriptLine(direction: .fromAssociate, text: text, at: now))
                }
            } else if case .nonText(let kind, let detail, _) = input {
                request.transcript.append(
                    TranscriptLine(direction: .fromAssociate, text: ConversationReducer.line(kind, detail), at: now))
            }
            effects.append(.openTicket(request))
        }

        /// Asks the first unanswered intake question from index `start` on, or opens the ticket.
        private mutating func askNextIntakeQuestion(_ request: TicketRequest, after start: Int) {
            var request = request
            if let next = request.intake.indices.first(where: { $0 >= start && !request.intake[$0].recognized }) {
                let question = request.intake[next].question
                let prompt = start == 0 ? replies.intakeIntro + question : question
                request.transcript.append(TranscriptLine(direction: .toAssociate, text: prompt, at: now))
                say(.text(prompt))
                state.mode = .intake(PendingTicket(request: request, asking: next, startedAt: now))
                return
            }
            effects.append(.openTicket(request))
            state.mode = .idle
        }

        // MARK: - Choices

        /// A tap on one of the bot's choices. Only the latest list's category and "都不是" choices act on
        /// the pending question; an older list's would act on a question it was not about. An entry
        /// choice always answers (it says which entry), but leaves a newer list open.
        mutating func respond(to action: ChoiceAction, choiceID: String) {
            let latest: OpenChoice? =
                if case .choosing(let choice) = state.mode, choice.id == choiceID { choice } else { nil }
            let open = state.openChoice(at: now)
            switch action {
            case .pick(let entry):
                answer(entry, question: latest?.question ?? "", closingChoices: latest != nil)
            case .category(let category):
                guard let latest, let question = latest.question, open != nil, !latest.categories.isEmpty else {
                    say(.text(replies.choiceExpired))
                    return
                }
                suggest(question, in: category)
            case .noneOfThese:
                guard let latest, let question = latest.question, open != nil, !latest.entries.isEmpty else {
                    say(.text(replies.choiceExpired))
                    return
                }
                decline(question, offered: latest.entries)
            case .requestPerson:
                guard state.ticket == nil else {
                    say(.text(replies.alreadyWithPerson))
                    return
                }
                guard let last = state.lastQuestion, now.timeIntervalSince(last.askedAt) <= ConversationState.memory else {
                    say(.text(replies.choiceExpired))
                    return
                }
                handOver(last.text, reducer.policy.requestedPerson(), as: nil)
            case .rate(let ticket, let rating):
                effects.append(.ticket(ticket, .rate(rating)))
                if case .rating(ticket, _) = state.mode { state.mode = .idle }
            }
        }

        /// The answer of an entry the associate picked from a list.
        private mutating func answer(_ id: KnowledgeEntryID, question: String, closingChoices: Bool = true) {
            guard let entry = knowledge.knowledgeBase.entry(id), entry.status == .published else {
                say(.text(replies.choiceExpired))
                return
            }
            let asked = question.isEmpty || SuggestionPick.parse(question, count: 9) != nil ? entry.question : question
            guard entry.answers(region: context.region) else {
                handOver(asked, reducer.policy.noAnswerForRegion(entry), as: .picked)
                return
            }
            // A pick quotes the entry's question: the number typed says nothing.
            say(reducer.answerReply(entry.answer(forRegion: context.region), to: entry.question))
            let assessment = Assessment(
                decision: .answer, reasons: [],
                understanding: Understanding(
                    suggestion: .answer, category: entry.category, candidates: [.init(entry: entry, score: 1)], confidence: 1))
            effects.append(.logQuestion(LoggedQuestion(text: question, assessment: assessment, followUp: .picked, answered: id)))
            if closingChoices {
                // The associate's own question when known (a typed number says nothing).
                state.mode = .awaitingFeedback(
                    AnsweredQuestion(messageKey: context.messageKey, answeredAt: now, question: asked, entry: id))
            }
        }

        /// The associate said which category `question` is about: the closest entries of that category to
        /// pick from, or, when it has none, a hand-over routed to that category.
        private mutating func suggest(_ question: String, in category: CategoryID) {
            let entries = knowledge.closestEntries(to: question, in: category)
            guard !entries.isEmpty else {
                handOver(question, reducer.policy.notCovered(in: category), as: .categoryChosen)
                return
            }
            let name = knowledge.knowledgeBase.category(category)?.name ?? category.rawValue
            let intro = replies.categorySuggestIntro.replacingOccurrences(of: "{category}", with: name)
            say(.choices(reducer.suggestions(entries, intro: intro, id: context.newChoiceID)))
            let assessment = Assessment(
                decision: .suggest, reasons: [],
                understanding: Understanding(
                    suggestion: .suggest, category: category, candidates: entries.map { .init(entry: $0, score: 0) }))
            effects.append(.logQuestion(LoggedQuestion(text: question, assessment: assessment, followUp: .categoryChosen)))
            offer(.entries(entries.map(\.id)), for: question)
        }

        /// "都不是": the question goes to a person, routed by the category of the best suggestion.
        private mutating func decline(_ question: String, offered: [KnowledgeEntryID]) {
            let suggestions = offered.compactMap { knowledge.knowledgeBase.entry($0) }
            handOver(question, reducer.policy.declined(suggestions: suggestions), as: .declined)
        }

        /// A person takes `question`: logged (and kept for the review queue), then the intake questions
        /// its category asks for (none for urgent ones), then the ticket.
        private mutating func handOver(_ question: String, _ assessment: Assessment, as followUp: LoggedQuestion.FollowUp?) {
            effects.append(.logQuestion(LoggedQuestion(text: question, assessment: assessment, followUp: followUp)))
            effects.append(.handOver(HandOver(question: question, assessment: assessment)))
            var request = TicketRequest(question: question, assessment: assessment)
            request.transcript = [TranscriptLine(direction: .fromAssociate, text: question, at: now)]
            if request.priority != .urgent {
                request.intake = reducer.intake.questions(for: assessment.category).map { asked in
                    let found = asked.recognizer?.find(in: question)
                    return IntakeAnswer(key: asked.key, question: asked.prompt, answer: found, recognized: found != nil)
                }
            }
            askNextIntakeQuestion(request, after: 0)
        }

        private mutating func offer(_ options: OpenChoice.Options, for question: String?, id: String? = nil) {
            state.mode = .choosing(
                OpenChoice(options: options, question: question, id: id ?? context.newChoiceID, offeredAt: now))
        }

        /// A category named by the reply (订单, 物流问题 …).
        private func categoryNamed(_ text: String, among choices: [CategoryID]) -> CategoryID? {
            let normal = TextNormalizer.normalize(text)
            guard !normal.isEmpty else { return nil }
            return knowledge.knowledgeBase.categories.filter { choices.contains($0.id) }.first { category in
                let name = TextNormalizer.normalize(category.name)
                return name == normal || name.replacingOccurrences(of: "问题", with: "") == normal
            }?.id
        }

        // MARK: - Welcome

        /// The welcome on opening the app: the categories and the most asked questions, numbered so that a
        /// number picks one. At most once per `welcomeInterval`, since WeCom reports every opening.
        mutating func welcome() {
            if let last = state.welcomedAt, now.timeIntervalSince(last) < reducer.welcomeInterval { return }
            // In the middle of a choice: a numbered welcome would take over its numbers; greet next time.
            if let open = state.openChoice(at: now), open.question != nil || !open.categories.isEmpty { return }
            let knowledgeBase = knowledge.knowledgeBase
            let categories = ConversationReducer.choosableCategories(knowledge).map(\.name).joined(separator: "、")
            let hot = context.hotQuestions.compactMap { knowledgeBase.entry($0) }.filter { $0.status == .published }.prefix(3)
            say(
                .welcome(
                    Welcome(
                        greeting: replies.welcome.replacingOccurrences(of: "{categories}", with: categories),
                        hotQuestionsIntro: replies.hotQuestionsIntro, hotQuestions: hot.map(\.question),
                        outro: replies.welcomeOutro)))
            if !hot.isEmpty {
                // Typed numbers pick them; no card carries them, so no list id.
                state.mode = .choosing(OpenChoice(options: .entries(hot.map(\.id)), question: nil, id: nil, offeredAt: now))
            }
            state.welcomedAt = now
        }
    }
}
