import Foundation

/// An onboarding quiz (zero-party data for cold start): questions whose answers set preferences
/// and traits, so a person's first recommendations already follow what they said.
public struct Quiz: Sendable, Hashable {
    /// `key`: how the API names the quiz.
    public var key: String
    /// `title`: shown to marketers; defaults to the key.
    public var title: String
    /// `questions`, in order.
    public var questions: [Question]

    /// One question and its possible answers.
    public struct Question: Sendable, Hashable {
        /// `key`, unique within the quiz.
        public var key: String
        /// `text` as asked.
        public var text: String
        /// Whether a response may pick several answers (`"multiple": true`); a list of answer keys then.
        public var multiple: Bool
        /// `answers`, in order.
        public var answers: [Answer]
    }

    /// One answer and what choosing it sets.
    public struct Answer: Sendable, Hashable {
        /// `key`, unique within its question.
        public var key: String
        /// `text` as shown.
        public var text: String
        /// `sets.preferences`: the preferences choosing it states (as `PUT /v1/profiles/{id}/preferences`).
        public var preferences: Preferences
        /// `sets.traits`: traits choosing it sets (merged like `identify` traits).
        public var traits: [String: JSONValue]
    }

    /// The most questions a quiz may have, and answers a question.
    public static let maximumQuestions = 50
    /// The most answers one question may have.
    public static let maximumAnswers = 50

    /// A quiz from its parts.
    public init(key: String, title: String, questions: [Question]) {
        self.key = key
        self.title = title
        self.questions = questions
    }

    /// Validates a `POST /v1/quizzes` body, collecting every problem with its JSON Pointer.
    public static func parse(_ body: JSONValue) -> Result<Quiz, ValidationErrors> {
        var errors: [FieldError] = []
        func fail(_ pointer: JSONPointer, _ message: String) { errors.append(FieldError(field: pointer.description, message: message)) }
        guard case .object(let object) = body else { return .failure(ValidationErrors([FieldError(field: "", message: "must be a JSON object")])) }
        let root = JSONPointer()
        for key in object.keys.sorted() where !["key", "title", "questions"].contains(key) {
            fail(root.appending(key), "is not a field of a quiz (key, title, questions)")
        }
        let key = object["key"]?.stringValue ?? ""
        if !DefinitionKey.isValid(key) { fail(root.appending("key"), DefinitionKey.rule) }
        var title = key
        if let value = object["title"] {
            if let text = value.stringValue, (1...256).contains(text.count) { title = text } else { fail(root.appending("title"), "must be a string of 1 to 256 characters") }
        }
        var questions: [Question] = []
        let questionsPointer = root.appending("questions")
        if let array = object["questions"]?.arrayValue, (1...maximumQuestions).contains(array.count) {
            var questionKeys: Set<String> = []
            for (index, value) in array.enumerated() {
                let pointer = questionsPointer.appending(index)
                guard let question = parseQuestion(value, at: pointer, fail: fail) else { continue }
                if !questionKeys.insert(question.key).inserted { fail(pointer.appending("key"), "repeats another question's key") }
                questions.append(question)
            }
        } else {
            fail(questionsPointer, "is required: an array of 1 to \(maximumQuestions) questions")
        }
        return errors.isEmpty ? .success(Quiz(key: key, title: title, questions: questions)) : .failure(ValidationErrors(errors))
    }

    private static func parseQuestion(_ value: JSONValue, at pointer: JSONPointer, fail: (JSONPointer, String) -> Void) -> Question? {
        guard case .object(let object) = value else {
            fail(pointer, "must be an object with key, text and answers")
            return nil
        }
        for key in object.keys.sorted() where !["key", "text", "multiple", "answers"].contains(key) {
            fail(pointer.appending(key), "is not a field of a question (key, text, multiple, answers)")
        }
        let key = object["key"]?.stringValue ?? ""
        if !DefinitionKey.isValid(key) { fail(pointer.appending("key"), DefinitionKey.rule) }
        let text = object["text"]?.stringValue ?? ""
        if !(1...1024).contains(text.count) { fail(pointer.appending("text"), "is required: a string of 1 to 1024 characters") }
        var multiple = false
        if let value = object["multiple"] {
            if let flag = value.boolValue { multiple = flag } else { fail(pointer.appending("multiple"), "must be true or false") }
        }
        var answers: [Answer] = []
        let answersPointer = pointer.appending("answers")
        guard let array = object["answers"]?.arrayValue, (1...maximumAnswers).contains(array.count) else {
            fail(answersPointer, "is required: an array of 1 to \(maximumAnswers) answers")
            return nil
        }
        var answerKeys: Set<String> = []
        for (index, value) in array.enumerated() {
            let answerPointer = answersPointer.appending(index)
            guard case .object(let answer) = value else {
                fail(answerPointer, "must be an object with key, text and sets")
                continue
            }
            for name in answer.keys.sorted() where !["key", "text", "sets"].contains(name) {
                fail(answerPointer.appending(name), "is not a field of an answer (key, text, sets)")
            }
            let answerKey = answer["key"]?.stringValue ?? ""
            if !DefinitionKey.isValid(answerKey) { fail(answerPointer.appending("key"), DefinitionKey.rule) }
            if !answerKeys.insert(answerKey).inserted { fail(answerPointer.appending("key"), "repeats another answer's key in this question") }
            let answerText = answer["text"]?.stringValue ?? ""
            if !(1...1024).contains(answerText.count) { fail(answerPointer.appending("text"), "is required: a string of 1 to 1024 characters") }
            var preferences = Preferences()
            var traits: [String: JSONValue] = [:]
            if let sets = answer["sets"] {
                let setsPointer = answerPointer.appending("sets")
                if case .object(let members) = sets {
                    for name in members.keys.sorted() where !["preferences", "traits"].contains(name) {
                        fail(setsPointer.appending(name), "is not something an answer sets (preferences, traits)")
                    }
                    if let value = members["preferences"] {
                        switch Preferences.parse(value, at: setsPointer.appending("preferences")) {
                        case .success(let parsed): preferences = parsed
                        case .failure(let problems): for problem in problems.errors { fail(JSONPointer(problem.field), problem.message) }
                        }
                    }
                    if let value = members["traits"] {
                        if let object = value.objectValue { traits = object } else { fail(setsPointer.appending("traits"), "must be an object") }
                    }
                } else {
                    fail(setsPointer, "must be an object with preferences and/or traits")
                }
            }
            answers.append(Answer(key: answerKey, text: answerText, preferences: preferences, traits: traits))
        }
        return Question(key: key, text: text, multiple: multiple, answers: answers)
    }

    /// The quiz as the API shows it (and the store keeps it).
    public var json: JSONValue {
        [
            "key": .string(key), "title": .string(title),
            "questions": .array(questions.map { question in
                [
                    "key": .string(question.key), "text": .string(question.text), "multiple": .bool(question.multiple),
                    "answers": .array(question.answers.map { answer in
                        var sets: [String: JSONValue] = [:]
                        if answer.preferences != Preferences() { sets["preferences"] = answer.preferences.json }
                        if !answer.traits.isEmpty { sets["traits"] = .object(answer.traits) }
                        return ["key": .string(answer.key), "text": .string(answer.text), "sets": .object(sets)]
                    }),
                ]
            }),
        ]
    }
}

/// A person's answers to a quiz: the body of `POST /v1/quizzes/{key}/responses`.
public struct QuizResponse: Sendable, Hashable {
    /// `user`: who answered.
    public var user: UserReference
    /// The chosen answer keys per question, in the quiz's question order.
    public var answers: [Chosen]

    /// The answers chosen for one question (one, or several for a `multiple` question).
    public struct Chosen: Sendable, Hashable {
        /// The question's key.
        public var question: String
        /// The chosen answers' keys.
        public var answers: [String]
    }

    /// What the chosen answers set together: for each preference list, the union over the answers
    /// (in question order); for a single value, the last answer's; traits merged in question order.
    public var preferences: Preferences
    /// The traits the chosen answers set, merged in question order.
    public var traits: [String: JSONValue]

    /// Validates a response against its quiz: every question named must exist, every answer must
    /// be one of its question's (one only unless the question is `multiple`).
    public static func parse(_ body: JSONValue, quiz: Quiz) -> Result<QuizResponse, ValidationErrors> {
        var errors: [FieldError] = []
        guard case .object(let object) = body else { return .failure(ValidationErrors([FieldError(field: "", message: "must be a JSON object")])) }
        for key in object.keys.sorted() where !["user", "answers"].contains(key) {
            errors.append(FieldError(field: JSONPointer().appending(key).description, message: "is not a field of a quiz response (user, answers)"))
        }
        var user: UserReference?
        if let value = object["user"] {
            switch UserReference.parse(value, at: JSONPointer("/user")) {
            case .success(let reference): user = reference
            case .failure(let problems): errors += problems.errors
            }
        } else {
            errors.append(FieldError(field: "/user", message: "is required: {\"user_id\": …} or {\"anonymous_id\": …}"))
        }
        var chosenAnswers: [Chosen] = []
        var preferences = Preferences()
        var traits: JSONValue = .object([:])
        if let given = object["answers"]?.objectValue, !given.isEmpty {
            let base = JSONPointer("/answers")
            for name in given.keys.sorted() where !quiz.questions.contains(where: { $0.key == name }) {
                errors.append(FieldError(field: base.appending(name).description, message: "is not a question of quiz \(quiz.key)"))
            }
            for question in quiz.questions {
                guard let value = given[question.key] else { continue }
                let pointer = base.appending(question.key)
                let keys: [String]
                if let single = value.stringValue {
                    keys = [single]
                } else if question.multiple, let list = value.arrayValue, !list.isEmpty, list.allSatisfy({ $0.stringValue != nil }) {
                    keys = list.compactMap(\.stringValue)
                } else {
                    errors.append(FieldError(field: pointer.description, message: question.multiple
                        ? "must be an answer key or a non-empty array of answer keys" : "must be one answer key"))
                    continue
                }
                var chosen: [String] = []
                for (index, key) in keys.enumerated() {
                    guard let answer = question.answers.first(where: { $0.key == key }) else {
                        let at = value.stringValue != nil ? pointer : pointer.appending(index)
                        let known = question.answers.map(\.key).joined(separator: ", ")
                        errors.append(FieldError(field: at.description, message: "is not an answer of question \(question.key) (\(known))"))
                        continue
                    }
                    if chosen.contains(key) { continue }
                    chosen.append(key)
                    preferences = preferences.combined(with: answer.preferences)
                    traits = traits.deepMerging(.object(answer.traits))
                }
                chosenAnswers.append(Chosen(question: question.key, answers: chosen))
            }
        } else {
            errors.append(FieldError(field: "/answers", message: "is required: an object of question key → answer key"))
        }
        guard errors.isEmpty, let user else { return .failure(ValidationErrors(errors)) }
        return .success(QuizResponse(user: user, answers: chosenAnswers, preferences: preferences, traits: traits.objectValue ?? [:]))
    }

    private init(user: UserReference, answers: [Chosen], preferences: Preferences, traits: [String: JSONValue]) {
        self.user = user
        self.answers = answers
        self.preferences = preferences
        self.traits = traits
    }

    /// The answers as an event's properties show them: `{"question": "answer"}` (a list for several).
    public var answersJSON: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: answers.map { pair in
            (pair.question, pair.answers.count == 1 ? JSONValue.string(pair.answers[0]) : .array(pair.answers.map(JSONValue.string)))
        }))
    }
}

extension Preferences {
    /// Both preferences together: lists are united (this one's values first), single values are `other`'s when set.
    public func combined(with other: Preferences) -> Preferences {
        func union(_ a: [String]?, _ b: [String]?) -> [String]? {
            guard let b else { return a }
            guard let a else { return b }
            return a + b.filter { !a.contains($0) }
        }
        var result = self
        result.brands = union(brands, other.brands)
        result.colors = union(colors, other.colors)
        result.categories = union(categories, other.categories)
        result.styles = union(styles, other.styles)
        result.emailFrequencyPerWeek = other.emailFrequencyPerWeek ?? emailFrequencyPerWeek
        return result
    }
}
