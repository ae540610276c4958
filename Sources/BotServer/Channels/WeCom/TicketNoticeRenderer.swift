import Escalation
import Foundation
import GRDB
import WeComAdapter

/// Renders tickets' notices as WeCom outbox items: texts and cards one to one through `message/send`
/// (app group chats carry no cards and return no messages), and `update_template_card` for cards that
/// were taken.
///
/// An offer card's `task_id` ends with this install's id (`CardTaskID`). Each card sent is updated
/// with its latest response code that is neither spent nor expired (`CardUpdateCodes`: a click's, or
/// the send's); when it has none left and still shows its buttons, its recipients are told by text
/// instead, unless this change tells them anyway. A card not sent yet keeps its buttons: a tap on them
/// gets the stale answer.
struct TicketNoticeRenderer: Sendable {
    let replies: WeComReplyRenderer
    let texts: TicketTexts
    /// WeCom's recommended length of a card row's value.
    static let maxRowValueCharacters = 26

    /// The outbox items of `notices`, inside the transaction that queues them (which spends the card
    /// codes they use). `actor` is the agent who acted, if any: the one who knows already.
    func items(_ notices: [TicketNotice], actor: String?, now: Date, in db: Database) throws -> [OutboxItem] {
        var items: [OutboxItem] = []
        // Agents this change sends something to: a card they cannot update needs no text of its own.
        var told = Set(actor.map { [$0] } ?? [])
        for case .agents(let agents, _) in notices { told.formUnion(agents) }
        for notice in notices {
            switch notice {
            case .associate(let user, let reply):
                items += replies.messages([reply], to: user).map(OutboxItem.message)
            case .agents(let agents, let notice):
                guard !agents.isEmpty else { continue }
                switch notice {
                case .text(let text):
                    items += Self.texts(text, to: agents)
                case .attachment(let attachment):
                    items.append(.message(OutgoingMessage(toUsers: agents, body: OutgoingMessage.Body(attachment))))
                case .offer(let offer):
                    let install = try CardTaskID.install(in: db)
                    items.append(.message(OutgoingMessage(toUsers: agents, body: .templateCard(card(offer, install: install)))))
                    items += Self.texts(offer.caseText, to: agents)
                }
            case .offersTaken(let cards, let label, _):
                items += try updates(of: cards, label: label, except: told, now: now, in: db)
            case .staleTap(let tap, let label):
                // A spent or expired code: the tapper's card keeps its buttons, and the one-line answer
                // that comes with a stale tap says who has the ticket.
                guard let code = try CardUpdateCodes.take(tap, now: now, in: db) else { continue }
                items.append(.cardUpdate(CardUpdate(responseCode: code, userIDs: [tap.user], replaceName: label)))
            }
        }
        return items
    }

    /// Updates every card sent for the desk's `cards` to say `label`. A card without a usable code
    /// whose buttons still show is told by text instead (“工单 #1001 已被Amy认领”), to those of its
    /// recipients not in `told`; one updated before already says the ticket is taken.
    private func updates(of cards: [String], label: String, except told: Set<String>, now: Date, in db: Database) throws
        -> [OutboxItem]
    {
        guard !cards.isEmpty else { return [] }
        let install = try CardTaskID.install(in: db)
        var items: [OutboxItem] = []
        var untold: [String] = []
        var ticket: TicketNumber?
        for card in cards {
            for sent in try CardUpdateCodes.sentCards(CardTaskID.candidates(ofCard: card, install: install), in: db) {
                if let code = try CardUpdateCodes.take(card: sent.taskID, now: now, in: db) {
                    items.append(.cardUpdate(CardUpdate(responseCode: code, atAll: true, replaceName: label)))
                } else if let number = sent.ticket, try !CardUpdateCodes.wasUpdatedForEveryone(sent.taskID, in: db) {
                    ticket = ticket ?? number
                    untold += sent.recipients.filter { !told.contains($0) && !untold.contains($0) }
                }
            }
        }
        if let ticket, !untold.isEmpty {
            items += Self.texts(Self.cardText(ticket: ticket, label: label), to: untold)
        }
        return items
    }

    /// What a card that cannot be updated would have said, as a text: “工单 #1001 已被Amy认领”.
    static func cardText(ticket: TicketNumber, label: String) -> String {
        "工单 \(ticket) \(label)"
    }

    private static func texts(_ text: String, to agents: [String]) -> [OutboxItem] {
        TextSplitter.split(text, maxBytes: OutgoingMessage.maxTextBytes).map {
            .message(OutgoingMessage(toUsers: agents, body: .text($0)))
        }
    }

    /// The offer as a `button_interaction` card: a few short rows, 认领 and 转派.
    func card(_ offer: TicketOffer, install: String) -> TemplateCard {
        TemplateCard(
            source: .init(desc: "StoreDesk 工单"),
            mainTitle: .init(title: offer.title, desc: offer.rows.last?.value.prefix(40).description),
            horizontalContentList: offer.rows.dropLast().map {
                TemplateCard.KeyValue(keyname: $0.key, value: String($0.value.prefix(Self.maxRowValueCharacters)))
            },
            taskID: CardTaskID.taskID(ofCard: offer.cardID, install: install),
            buttons: [
                TemplateCard.Button(text: texts.claimButton, style: 1, key: TicketCardAction.claim(offer.number).cardKey),
                TemplateCard.Button(text: texts.reassignButton, style: 2, key: TicketCardAction.reassign(offer.number).cardKey),
            ])
    }
}
