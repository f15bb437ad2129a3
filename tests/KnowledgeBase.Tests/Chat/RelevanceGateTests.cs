using KnowledgeBase.Contracts;
using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.Options;

namespace KnowledgeBase.Tests.Chat;

/// <summary>The relevance gate's decision: answer from the retrieved chunks, or say plainly that nothing answers.</summary>
public class RelevanceGateTests
{
    /// <summary>The corpus as the gate sees it: which bigrams and words occur in the given chunks' text.</summary>
    private sealed class CorpusRarity(params string[] texts) : ITermRarity
    {
        private readonly string _all = string.Join("\n", texts).ToLowerInvariant();

        public double Idf(string term) => Occurs(term) ? 2 : 7;

        public bool Occurs(string term) => _all.Contains(term, StringComparison.Ordinal);
    }

    private static SearchHit Hit(string id, string text, string section = "취업규칙 > 제12조(연차휴가)")
        => new($"doc_bbbbbbbbbbbb_{id}", "doc_bbbbbbbbbbbb", "rules.docx", "취업규칙", section, null, 1, text, []);

    private static readonly SearchHit[] Rules =
    [
        Hit("0000", "1년간 80퍼센트 이상 출근한 직원에게 15일의 연차휴가를 준다. 연차휴가는 사용 예정일 3일 전까지 신청한다."),
        Hit("0001", "회사는 업무용 노트북을 4년마다 교체하여 지급한다.", "IT 자주 묻는 질문 > 노트북"),
        Hit("0002", "출장비는 출장을 마친 날부터 7일 이내에 정산한다.", "출장비 규정 > 정산"),
    ];

    private static SourceSelector Gate(IReadOnlyList<SynonymSet>? thesaurus = null, params SearchHit[] corpus)
    {
        var options = Options.Create(new AnswerOptions());
        var expander = new QueryExpander(new SynonymRegistry(), options, thesaurus ?? []);
        return new SourceSelector(expander, new CorpusRarity([.. corpus.Select(h => h.Section + " " + h.Text)]), options);
    }

    [Fact]
    public void Question_naming_a_thing_no_document_knows_gets_nothing_though_its_other_words_match()
    {
        var decision = Gate(null, Rules).Decide("회사 노트북을 맥북으로 바꿔 달라고 할 수 있나요?", [Rules[1], Rules[0]]);

        Assert.Empty(decision.Relevant);
        Assert.Equal(["맥북"], decision.UnknownWords);
    }

    [Theory]
    [InlineData("올해 연차는 며칠 쓸 수 있어요?")]
    [InlineData("연차 쓰려면 며칠 전에 신청해야 돼요?")]
    [InlineData("연차 너무 많이 남으면 어떻게 돼요?")]
    public void Everyday_words_and_colloquial_predicates_do_not_count_as_unknown_topics(string question)
    {
        var decision = Gate(null, Rules).Decide(question, Rules);

        Assert.Empty(decision.UnknownWords);
        Assert.Equal(Rules[0].ChunkId, decision.Relevant[0].ChunkId);
    }

    [Fact]
    public void A_thesaurus_bridge_counts_only_when_the_documents_use_the_word_it_leads_to()
    {
        var thesaurus = new[] { new SynonymSet("benefits", ["통근버스", "셔틀버스"]) };
        var withoutBus = Gate(thesaurus, Rules).Decide("야간 셔틀버스 노선이 어떻게 되나요?", Rules);
        var busRule = Hit("0003", "야간 통근버스는 22시에 본사에서 출발하며 노선은 사내 게시판에 공지한다.", "복리후생 > 통근버스");
        var withBus = Gate(thesaurus, [.. Rules, busRule]).Decide("야간 셔틀버스 노선이 어떻게 되나요?", [busRule, .. Rules]);

        Assert.Empty(withoutBus.Relevant);
        Assert.Equal(busRule.ChunkId, Assert.Single(withBus.Relevant).ChunkId);
        Assert.Empty(withBus.UnknownWords);
    }

    [Fact]
    public void The_answering_chunk_passes_and_chunks_sharing_little_with_it_are_left_out()
    {
        var decision = Gate(null, Rules).Decide("출장비 정산은 며칠 안에 해야 하나요?", [Rules[2], Rules[0], Rules[1]]);

        Assert.Equal([Rules[2].ChunkId], decision.Relevant.Select(h => h.ChunkId));
        Assert.True(decision.BestCoverage >= new AnswerOptions().GateMinCoverage);
    }

    [Fact]
    public void English_question_with_no_bridge_to_the_documents_gets_nothing()
    {
        var decision = Gate(null, Rules).Decide("Can I bring my dog to the office?", Rules);

        Assert.Empty(decision.Relevant);
        Assert.Contains("dog", decision.UnknownWords);
    }

    [Theory]
    [InlineData("깎을", true)]
    [InlineData("줘도", true)]
    [InlineData("비우면", true)]
    [InlineData("틀려서", true)]
    [InlineData("신청했는데", true)]
    [InlineData("바뀌었나요", true)]
    [InlineData("스톡옵션", false)]
    [InlineData("명함", false)]
    [InlineData("반려견", false)]
    [InlineData("로고", false)]
    public void Predicate_shapes_are_told_from_nouns(string word, bool predicate)
        => Assert.Equal(predicate, EverydayWords.IsPredicate(word));
}
