using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Models;

/// <summary>The offline answerer: quotes the source sentences that best match the question, each with its [n],
/// and says that it is an extractive answer. Reads the same prompt a real model gets; counts usage with the same tokenizer.</summary>
public sealed partial class ExtractiveChatClient(ITokenCounter tokens, QueryExpander? expander = null, AnswerOptions? answers = null) : IChatClient
{
    public const string ModelId = "offline-extractive";
    private readonly AnswerOptions _answers = answers ?? new AnswerOptions();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        UsageDetails? usage = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
            usage = ChatUpdates.UsageOf(update) ?? usage;
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString())) { Usage = usage, ModelId = ModelId, FinishReason = ChatFinishReason.Stop };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var answer = Compose(list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "");
        if (options?.MaxOutputTokens is { } max) answer = tokens.Truncate(answer, max);

        foreach (var piece in WordPieces().Matches(answer).Select(m => m.Value))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ModelId = ModelId };
        }
        await Task.CompletedTask;

        var prompt = list.Sum(m => tokens.Count(m.Text) + 4);
        var completion = tokens.Count(answer);
        var usage = new UsageDetails { InputTokenCount = prompt, OutputTokenCount = completion, TotalTokenCount = prompt + completion };
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, ModelId = ModelId, FinishReason = ChatFinishReason.Stop, Contents = [new UsageContent(usage)] };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    /// <summary>Leads with the sentence, list item or table line that carries the kind of value the question asks for
    /// (a number of days for "며칠", an amount for "얼마", a deadline for "언제까지" ...), cited; then at most
    /// <see cref="MaxSupporting"/> supporting sentences. Header rows, duplicates and fragments are never quoted.</summary>
    public string Compose(string userMessage)
    {
        var question = userMessage;
        var markerAt = userMessage.LastIndexOf(PromptBuilder.QuestionMarker, StringComparison.Ordinal);
        if (markerAt >= 0) question = userMessage[(markerAt + PromptBuilder.QuestionMarker.Length)..].Trim();
        var english = QueryExpander.IsMostlyLatin(question);

        // The user's own content words count fully, the question in the documents' words (thesaurus) a little less.
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var t in AnswerTerms(question)) weights[t] = 1;
        var expansion = expander?.Expand(question);
        if (expansion is not null)
        {
            foreach (var variant in expansion.Variants)
                foreach (var t in AnswerTerms(variant)) weights.TryAdd(t, VariantWeight);
            foreach (var term in expansion.Terms)
                foreach (var t in AnswerTerms(term)) weights.TryAdd(t, AlternativeWeight);
        }
        var numbers = expansion?.Numbers ?? [];
        var periods = Periods(question);
        var type = _answers.TypedAnswer ? QuestionTypes.Detect(question) : QuestionType.Other;
        var qualifier = _answers.TypedAnswer ? QuestionTypes.Qualifier(question) : ValueQualifier.None;
        var asksQuantity = QuantityQuestion().IsMatch(question);

        // A term found in fewer of the sources' sentences tells them apart better (the local inverse document frequency).
        var sources = SourceBlock().Matches(userMessage).Select(m => (N: int.Parse(m.Groups["n"].Value), Section: m.Groups["section"].Value,
            Units: Units(m.Groups["text"].Value).Select(u => (u.Text, u.Line, Terms: TermsOf(u.Text))).ToList())).ToList();
        var unitCount = sources.Sum(s => s.Units.Count);
        if (weights.Count > 0 && unitCount > 0)
            foreach (var term in weights.Keys.ToList())
            {
                var df = sources.Sum(s => s.Units.Count(u => u.Terms.Contains(term)));
                weights[term] *= Math.Log(1 + (unitCount + 1.0) / (df + 1.0));
            }
        var totalWeight = weights.Values.Sum();

        var candidates = new List<Candidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (n, section, units) in sources)
        {
            var sectionTerms = TermsOf(section);
            var sectionMatch = totalWeight == 0 ? 0 : weights.Where(w => sectionTerms.Contains(w.Key)).Sum(w => w.Value) / totalWeight;
            for (var index = 0; index < units.Count; index++)
            {
                var (unit, line, unitTerms) = units[index];
                var key = Compact(unit);
                if (!seen.Add(key)) continue;
                if (unitTerms.Count == 0) continue;
                // A sentence is read under its heading: a paragraph of 제12조(연차휴가) is about 연차휴가 without repeating it.
                double own = 0, fromHeading = 0;
                foreach (var (term, weight) in weights)
                    if (unitTerms.Contains(term)) own += weight;
                    else if (sectionTerms.Contains(term)) fromHeading += HeadingShare * weight;
                if (numbers.Count > 0)
                {
                    var unitNumbers = NumberNormalizer.Tokens(unit);
                    own += numbers.Count(unitNumbers.Contains);
                }
                // "1년에 며칠" is answered by "연 30일": the period the question counts in, however the sentence writes it.
                own += periods.Count(p => p.IsMatch(unit));
                var matched = own + fromHeading;
                if (matched <= 0) continue;
                var leadIn = QuestionTypes.IntroducesList(unit);
                var carries = type != QuestionType.Other && !leadIn && QuestionTypes.Carries(type, unit);
                var qualified = qualifier != ValueQualifier.None && QuestionTypes.Satisfies(qualifier, unit);
                // Only the sentence's own words are weighed against its length; what its heading adds counts as for a
                // sentence of typical length, so a short list item under a matching heading does not outrank the rule.
                var score = own / Math.Sqrt(unitTerms.Count + 4) + fromHeading / Math.Sqrt(TypicalSentenceTerms + 4) + 0.3 * sectionMatch + 0.01 / n
                    + (carries ? 0.5 : 0) + (qualified ? QualifierBonus : 0) - (leadIn ? LeadInPenalty : 0)
                    + (!_answers.TypedAnswer && asksQuantity && Quantity().IsMatch(unit) ? 0.5 : 0);
                candidates.Add(new Candidate(n, unit, score, candidates.Count, matched, carries, line, index));
            }
        }

        if (candidates.Count == 0) return NotFound(question);

        // Quote only sentences that share a good part of what the best one shares with the question: one common word is not enough.
        // A sentence that carries the kind of value asked for may lead on less: the question's other words describe the
        // situation (아이가 아파서 급하게 …), which the rule's definition repeats and the sentence with the number does not.
        var bestMatched = candidates.Max(c => c.Matched);
        var eligible = candidates.Where(c => c.Matched >= bestMatched / 2).OrderByDescending(c => c.Score).ThenBy(c => c.Order).ToList();
        var lead = candidates.Where(c => c.Carries && c.Matched >= bestMatched * CarrierShareOfBest)
            .OrderByDescending(c => c.Score).ThenBy(c => c.Order).FirstOrDefault() ?? eligible[0];
        // The sentence right after the lead in its paragraph goes on with it (the exception, the limit, the deadline);
        // when that one shares nothing with the question, the one before it sets the lead's context.
        var next = candidates.FirstOrDefault(c => c.N == lead.N && c.Line == lead.Line && c.Index == lead.Index + 1)
            ?? candidates.FirstOrDefault(c => c.N == lead.N && c.Line == lead.Line && c.Index == lead.Index - 1);
        var supporting = (next is null ? eligible : eligible.Where(c => !ReferenceEquals(c, next)).Prepend(next))
            .Where(c => !ReferenceEquals(c, lead) && !Compact(lead.Text).Contains(Compact(c.Text), StringComparison.Ordinal))
            .Take(MaxSupporting).ToList();

        var text = new StringBuilder(english
            ? "Extractive answer (offline mode: quoted from the Korean documents, without a generative model):\n\n"
            : "추출형 답변입니다 (오프라인 모드: 생성 모델 없이 문서에서 가장 관련 있는 문장을 그대로 인용합니다).\n\n");
        text.Append(CellFirst(lead.Text, weights, type)).Append(" [").Append(lead.N).Append(']');
        if (supporting.Count > 0)
        {
            text.Append("\n\n").Append(english ? "Related:" : "관련 내용:").Append('\n');
            foreach (var c in supporting) text.Append("- ").Append(c.Text).Append(" [").Append(c.N).Append("]\n");
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>A table record leads with the cell the question asks for (the "header: value" pair whose header shares
    /// most with the question, the kind of value asked for breaking ties), then the rest of the row in brackets, so the
    /// row's key stays with it. The first pair is the row's key and leads only when nothing else matches. Other text is
    /// returned as it is.</summary>
    private static string CellFirst(string text, IReadOnlyDictionary<string, double> weights, QuestionType type)
    {
        var pairs = text.Split(" · ");
        if (pairs.Length < 3 || !pairs.All(p => RecordPair().IsMatch(p))) return text;
        double Score(string pair)
        {
            var header = pair[..pair.IndexOf(':')];
            var terms = TermsOf(header);
            return weights.Where(w => terms.Contains(w.Key)).Sum(w => w.Value)
                + (type != QuestionType.Other && QuestionTypes.Carries(type, pair) ? 0.01 : 0);
        }
        var best = Enumerable.Range(1, pairs.Length - 1).OrderByDescending(i => Score(pairs[i])).ThenBy(i => i).First();
        if (Score(pairs[best]) <= 0) return text;
        return pairs[best] + " (" + string.Join(" · ", pairs.Where((_, i) => i != best)) + ")";
    }

    private const int MaxSupporting = 2;
    private const double VariantWeight = 0.6;

    // The entry's other terms (초과근무 for 잔업) are a fallback: a word they share by chance (초과한) must not lead.
    private const double AlternativeWeight = 0.15;
    private const double HeadingShare = 0.25;
    private const int TypicalSentenceTerms = 30;

    // A sentence that carries the value may lead when it shares a third of what the best-matching sentence shares.
    private const double CarrierShareOfBest = 1.0 / 3;
    private const double QualifierBonus = 0.3;
    private const double LeadInPenalty = 0.3;

    private sealed record Candidate(int N, string Text, double Score, int Order, double Matched, bool Carries, int Line, int Index);

    /// <summary>The periods a question counts in ("1년에", "하루", "한 달에", "일주일에"), each as a pattern for the ways a
    /// sentence writes that period (연 30일, 연간, 매년; 1일, 하루; 매월, 월; 1주, 주당).</summary>
    private static List<Regex> Periods(string question)
    {
        var periods = new List<Regex>(2);
        if (PerYearQ().IsMatch(question)) periods.Add(PerYearA());
        if (PerMonthQ().IsMatch(question)) periods.Add(PerMonthA());
        if (PerWeekQ().IsMatch(question)) periods.Add(PerWeekA());
        if (PerDayQ().IsMatch(question)) periods.Add(PerDayA());
        return periods;
    }

    [GeneratedRegex(@"(?:1\s*년|일\s*년|한\s*해)\s*(?:에|동안|마다)|연간|매년|해마다|\bper year\b|\ba year\b|annual")]
    private static partial Regex PerYearQ();
    [GeneratedRegex(@"연\s*\d|연간|매년|1년(?:에|간|마다|동안)|\d+\s*년\s*(?:에|마다)")]
    private static partial Regex PerYearA();
    [GeneratedRegex(@"(?:1\s*개월|한\s*달|1\s*달)\s*(?:에|동안|마다)|매달|매월|\bper month\b|\ba month\b|monthly")]
    private static partial Regex PerMonthQ();
    [GeneratedRegex(@"매월|매달|월\s*\d|1개월(?:에|간|마다|동안)")]
    private static partial Regex PerMonthA();
    [GeneratedRegex(@"일주일|한\s*주|1\s*주\s*(?:에|동안|마다)|주당|매주|\bper week\b|\ba week\b|weekly")]
    private static partial Regex PerWeekQ();
    [GeneratedRegex(@"1\s*주|주당|매주|주\s*\d")]
    private static partial Regex PerWeekA();
    [GeneratedRegex(@"하루|1\s*일\s*(?:에|동안)|일일|\bper day\b|\ba day\b|daily")]
    private static partial Regex PerDayQ();
    [GeneratedRegex(@"1\s*일(?!\s*(?:부터|까지|자))|하루|일일")]
    private static partial Regex PerDayA();

    /// <summary>The question's content terms; 연장근로 keeps 근로, which the particle list would take for 로.</summary>
    private static HashSet<string> AnswerTerms(string text)
    {
        var terms = SourceSelector.ContentTerms(text);
        foreach (var word in KoreanTokens.Words(text))
            if (SourceSelector.EndsLikeParticle(word, "가도로")) terms.Add(word[^2..]);
        return terms;
    }

    /// <summary>A text's terms as the question's are compared with them; Korean spacing varies (연차 유급휴가,
    /// 연차유급휴가), so the bigrams across a space between two Hangul syllables count too.</summary>
    private static HashSet<string> TermsOf(string text)
    {
        var terms = new HashSet<string>(SourceSelector.Terms(text), StringComparer.Ordinal);
        for (var i = 0; i + 2 < text.Length; i++)
            if (text[i + 1] == ' ' && KoreanTokens.IsHangul(text[i]) && KoreanTokens.IsHangul(text[i + 2]))
                terms.Add(string.Concat(text[i], text[i + 2]));
        return terms;
    }

    /// <summary>The quotable units of a source: its sentences, list items and table lines, whole; header rows, markup-only
    /// lines and fragments too short to say anything are skipped.</summary>
    private static IEnumerable<(string Text, int Line)> Units(string text)
    {
        // A table row indexed as a record ("column header: value" lines) is quoted whole: its key and the cell asked for
        // are on different lines, and only together do they answer.
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length >= 2 && lines.All(l => RecordPair().IsMatch(l)))
        {
            var record = string.Join(" · ", lines);
            if (record.Length <= 600)
            {
                yield return (record, 0);
                yield break;
            }
        }
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = Markup().Replace(raw, "").Trim();
            if (line.Length < 6 || IsHeaderRow(line)) continue;
            foreach (var item in ItemBoundary().Split(line))
            {
                // A full stop inside brackets ("(… 대표하는 자를 말한다. 이하 '근로자대표'라 한다)") does not end the sentence.
                var pending = "";
                foreach (Match m in SentenceSplit().Matches(item))
                {
                    var s = pending.Length == 0 ? m.Value.Trim() : pending + " " + m.Value.Trim();
                    if (s.Count(c => c is '(' or '（') > s.Count(c => c is ')' or '）') && s.Length <= 600)
                    {
                        pending = s;
                        continue;
                    }
                    pending = "";
                    if (s.Length >= 8 && s.Length <= 600 && !IsListNumberOnly(s) && !Annotation().IsMatch(s)) yield return (s, lineNumber);
                }
                if (pending.Length >= 8 && !IsListNumberOnly(pending)) yield return (pending, lineNumber);
            }
        }
    }

    /// <summary>The answer when no source answers the question, in the question's language.</summary>
    public static string NotFound(string question) => QueryExpander.IsMostlyLatin(question)
        ? "I could not find this in the provided documents. Try rephrasing the question or upload the relevant document."
        : "제공된 문서에서 이 질문에 대한 내용을 찾을 수 없습니다. 질문을 바꾸어 보시거나 관련 문서를 업로드해 주세요.";

    /// <summary>A table's header row: several short cells and no figure (the record lines below it carry the values).</summary>
    private static bool IsHeaderRow(string line)
    {
        var cells = line.Split(['|', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (cells.Length < 3) return line.Trim('|', '-', ' ', ':').Length == 0;
        return !line.Any(char.IsDigit) && cells.All(c => c.Length <= 20);
    }

    private static bool IsListNumberOnly(string s) => s.TrimEnd('.', ')').All(c => char.IsDigit(c) || c is ' ' or '가' or '나' or '다');

    private static string Compact(string text) => new(text.Where(char.IsLetterOrDigit).ToArray());

    [GeneratedRegex("<source n=\"(?<n>\\d+)\"(?:[^>]*? section=\"(?<section>[^\"]*)\")?[^>]*>\\r?\\n(?<text>.*?)\\r?\\n</source>", RegexOptions.Singleline)]
    private static partial Regex SourceBlock();

    // A sentence ends at . ! ? (Korean 다. 요. included) followed by space, or at the end of the line; a point inside a
    // number or an address (1.5시간, 2.0퍼센트, help@soosan.com) does not end it.
    [GeneratedRegex(@"(?:[^.!?。]|\.(?=[^\s.!?。]))+(?:[.!?。]+(?=\s|$)|$)")]
    private static partial Regex SentenceSplit();

    // A statute's amendment note on a line of its own (‹개정 2012.2.1›, [본조신설 2019.1.15]) says nothing to quote.
    [GeneratedRegex(@"^[‹<\[(（]\s*(?:개정|신설|본조신설|전문개정|제목개정|타법개정|시행일|종전)[^›>\])）]*[›>\])）]$")]
    private static partial Regex Annotation();

    [GeneratedRegex(@"^[^:]{1,40}:\s\S")]
    private static partial Regex RecordPair();

    [GeneratedRegex(@"\S+\s*|\s+")]
    private static partial Regex WordPieces();

    // Circled item numbers (① ②) and bullets start a new unit; markdown emphasis and heading marks are dropped.
    [GeneratedRegex(@"(?=[①-⑳])|(?:^|\s)[•·▪◦]\s")]
    private static partial Regex ItemBoundary();

    [GeneratedRegex(@"\*\*|__|^#+\s*|^\s*[-*]\s+")]
    private static partial Regex Markup();

    [GeneratedRegex(@"며칠|몇|얼마|기간|언제까지|how many|how much|how long", RegexOptions.IgnoreCase)]
    private static partial Regex QuantityQuestion();

    [GeneratedRegex(@"\d+\s*(일|개월|년|시간|주|분|%|퍼센트|원|배|세)|\d+분의\s*\d+|100분의")]
    private static partial Regex Quantity();
}
