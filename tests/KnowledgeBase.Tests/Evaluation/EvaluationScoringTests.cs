using KnowledgeBase.Grains.Evaluation;

namespace KnowledgeBase.Tests.Evaluation;

public sealed class EvaluationScoringTests
{
    private static GoldenQuestion Question(string[] documents, string[] sections, params string[] phrases)
        => new("q1", "연차 며칠?", "ko", "how_many", documents, sections, phrases, false);

    [Fact]
    public void Golden_set_lines_are_read_with_their_fields_and_comments_skipped()
    {
        var set = GoldenSet.Parse("""
            // comment
            {"id":"a","question":"연차는 며칠?","language":"ko","kind":"how_many","expected_documents":["labor-standards-act.md"],"expected_sections":["제60조"],"expected_phrases":["15일"]}

            {"id":"b","question":"Can I bring my dog?","language":"en","no_answer":true}
            """);
        Assert.Equal(2, set.Count);
        Assert.Equal(("a", "how_many", "제60조", "15일", false), (set[0].Id, set[0].Kind, set[0].ExpectedSections[0], set[0].ExpectedPhrases[0], set[0].NoAnswer));
        Assert.True(set[1].NoAnswer);
        Assert.Empty(set[1].ExpectedDocuments);
    }

    [Fact]
    public void Golden_set_problems_name_their_lines()
    {
        var ex = Assert.Throws<GoldenSetException>(() => GoldenSet.Parse("""
            {"id":"a","question":"연차는 며칠?"}
            not json
            {"id":"a","question":"중복 id","no_answer":true}
            {"id":"c","question":"","no_answer":true}
            {"id":"d","question":"답이 없다면서 문서가?","no_answer":true,"expected_documents":["x.md"]}
            """));
        Assert.Equal(5, ex.Problems.Count);
        Assert.StartsWith("line 1:", ex.Problems[0]);
        Assert.StartsWith("line 2:", ex.Problems[1]);
        Assert.Contains("used twice", ex.Problems[2]);
        Assert.StartsWith("line 4:", ex.Problems[3]);
        Assert.StartsWith("line 5:", ex.Problems[4]);
    }

    [Theory]
    [InlineData("근로기준법 > 제4장 근로시간과 휴식 > 제60조 (연차 유급휴가)", "제60조", true)]
    [InlineData("근로기준법 > 제1장 총칙 > 제6조 (균등한 처우)", "제60조", false)]
    [InlineData("근로기준법 > 제4장 근로시간과 휴식 > 제60조 (연차 유급휴가)", "제6조", false)]
    [InlineData("근로기준법 > 제4장 > 제76조의2 (직장 내 괴롭힘의 금지)", "제76조", false)]
    [InlineData("근로기준법 > 제4장 > 제76조의2 (직장 내 괴롭힘의 금지)", "제76조의2", true)]
    [InlineData("수산주식회사 취업규칙 > 제4장 휴일 및 휴가 > 제12조(연차휴가)", "제12조", true)]
    [InlineData("2026 복리후생 안내 > 5. 선택적 복리후생(복지포인트)", "5. 선택적 복리후생(복지포인트)", true)]
    public void Sections_match_whole_article_numbers(string section, string expected, bool matches)
        => Assert.Equal(matches, EvaluationScoring.SectionContains(section, expected));

    [Fact]
    public void A_chunk_is_relevant_only_in_an_expected_document_and_section()
    {
        var question = Question(["labor-standards-act.md", "rules-of-employment.docx"], ["제60조", "제12조"], "15일");
        Assert.True(EvaluationScoring.IsRelevant(question, "labor-standards-act.md", "근로기준법 > 제60조 (연차 유급휴가)"));
        Assert.True(EvaluationScoring.IsRelevant(question, "rules-of-employment.docx", "취업규칙 > 제12조(연차휴가)"));
        Assert.False(EvaluationScoring.IsRelevant(question, "labor-standards-act.md", "근로기준법 > 제61조 (연차 유급휴가의 사용 촉진)"));
        Assert.False(EvaluationScoring.IsRelevant(question, "minimum-wage-act.md", "최저임금법 > 제60조"));
    }

    [Theory]
    [InlineData("연차는 15 일입니다 [1]", "15일", true)]
    [InlineData("경조금은 1000000원입니다.", "1,000,000원", true)]
    [InlineData("통상임금의 50퍼센트를 가산", "100분의 50|50퍼센트", true)]
    [InlineData("통상임금의 100분의 50 이상", "100분의 50|50퍼센트", true)]
    [InlineData("연차는 1년간 쓸 수 있습니다", "15일", false)]
    public void Answers_hit_when_they_hold_the_expected_value(string answer, string phrase, bool hits)
        => Assert.Equal(hits, EvaluationScoring.AnswerHits(answer, [phrase]));

    [Fact]
    public void Totals_count_search_over_answerable_and_no_result_over_verdicts()
    {
        EvaluationQuestionResult Result(bool noAnswerExpected, int? rank, bool? hit, bool noResult)
            => new("q", "?", "ko", "k", noAnswerExpected, rank, hit, noResult, "", [], [], 1, null);
        var totals = EvaluationScoring.Totals([
            Result(false, 1, true, false),
            Result(false, 3, false, false),
            Result(false, null, false, true),   // a false "nothing found"
            Result(false, 12, false, false),
            Result(true, null, null, true),     // rightly "nothing found"
            Result(true, null, null, false),    // answered though nothing answers it
        ]);
        Assert.Equal((6, 4, 2), (totals.Questions, totals.Answerable, totals.Unanswerable));
        Assert.Equal(0.25, totals.SearchAt1);
        Assert.Equal(0.5, totals.SearchAt3);
        Assert.Equal(0.5, totals.SearchAt10);
        Assert.Equal(Math.Round((1 + 1 / 3.0) / 4, 4), totals.Mrr10);
        Assert.Equal(0.25, totals.AnswerHitRate);
        Assert.Equal(0.5, totals.NoResultPrecision);
        Assert.Equal(0.5, totals.NoResultRecall);
    }
}
