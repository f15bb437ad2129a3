using KnowledgeBase.Grains.Retrieval;

namespace KnowledgeBase.Tests.Retrieval;

/// <summary>Numbers and units in canonical form, so a question and a table meet whatever their notation.</summary>
public class NumberNormalizerTests
{
    [Theory]
    [InlineData("식대는 100,000원이다", "100000원")]
    [InlineData("식대는 10만원이다", "100000원")]
    [InlineData("식대는 100000 원이다", "100000원")]
    [InlineData("1억원", "100000000원")]
    [InlineData("3천원", "3000원")]
    public void Amounts_in_any_notation_give_the_same_token(string text, string token)
    {
        Assert.Contains(token, NumberNormalizer.Tokens(text));
    }

    [Fact]
    public void Amounts_also_give_the_bare_figure_a_table_cell_carries()
    {
        Assert.Contains("100000", NumberNormalizer.Tokens("10만원"));
        Assert.Contains("150000", NumberNormalizer.Tokens("숙박비(서울): 150,000"));
    }

    [Theory]
    [InlineData("오후 4시까지", "16:00")]
    [InlineData("16:00까지", "16:00")]
    [InlineData("until 4 pm", "16:00")]
    [InlineData("오전 9시 반", "09:30")]
    [InlineData("오후 6시 30분", "18:30")]
    [InlineData("오전 12시", "00:00")]
    [InlineData("12 a.m.", "00:00")]
    public void Clock_times_become_24_hour_times(string text, string token)
    {
        Assert.Contains(token, NumberNormalizer.Tokens(text));
    }

    [Theory]
    [InlineData("2주 전까지", "14일")]
    [InlineData("2 weeks before", "14일")]
    [InlineData("1년", "12개월")]
    [InlineData("24개월", "2년")]
    [InlineData("50퍼센트", "50%")]
    [InlineData("100분의 50", "50%")]
    [InlineData("50 percent", "50%")]
    [InlineData("15 days", "15일")]
    public void Durations_and_rates_meet_across_units_and_languages(string text, string token)
    {
        Assert.Contains(token, NumberNormalizer.Tokens(text));
    }

    [Fact]
    public void Small_figures_without_a_unit_give_no_token_and_text_without_digits_gives_none()
    {
        // "제3조" or a list number must not match every small number in the corpus.
        Assert.DoesNotContain("3", NumberNormalizer.Tokens("제3조 3. 휴가"));
        Assert.Empty(NumberNormalizer.Tokens("연차휴가는 며칠인가요?"));
    }

    [Fact]
    public void Tokens_are_distinct_in_order_of_appearance()
    {
        Assert.Equal(["5일", "100000원", "100000"], NumberNormalizer.Tokens("5일, 10만원, 100,000원, 5일"));
    }
}

/// <summary>Terms a document defines for itself become aliases of the chunks that use either name.</summary>
public class DefinedTermsTests
{
    private static IndexedChunk Chunk(string id, string section, string text) =>
        new(id, "doc_0000000000a1", "rules.docx", "규칙", section, null, text, [], ReadOnlyMemory<float>.Empty);

    [Fact]
    public void Hereinafter_abbreviation_makes_each_name_an_alias_of_chunks_using_the_other()
    {
        var chunks = new[]
        {
            Chunk("c0", "제1조(목적)", "이 규칙은 「근로자퇴직급여 보장법」(이하 '퇴직급여법'이라 한다)에 따른다."),
            Chunk("c1", "제9조(퇴직금)", "퇴직금의 지급은 퇴직급여법을 따른다."),
            Chunk("c2", "제10조(휴일)", "휴일은 일요일로 한다."),
        };

        var aliases = DefinedTerms.Aliases(chunks);

        Assert.Contains("근로자퇴직급여 보장법", aliases["c1"]);
        Assert.False(aliases.ContainsKey("c2"));
    }

    [Fact]
    public void Definition_sentence_marks_its_chunk_as_defining_the_term()
    {
        var chunks = new[] { Chunk("c0", "제3조(정의)", "\"통상임금\"이란 근로자에게 정기적이고 일률적으로 지급하기로 정한 금액을 말한다.") };

        var aliases = DefinedTerms.Aliases(chunks);

        Assert.Contains("통상임금", aliases["c0"]);
        Assert.Contains("정의", aliases["c0"]);
    }

    [Fact]
    public void Glossary_table_record_pairs_the_term_and_its_meaning()
    {
        // A glossary table's row as the table parser writes it: one "header: value" pair per line.
        var chunks = new[]
        {
            Chunk("c0", "용어 > 재택", "용어: 재택근무\n설명: 자택에서 하는 근무"),
            Chunk("c1", "제8조", "재택근무는 주 2일 이내로 한다."),
        };

        var aliases = DefinedTerms.Aliases(chunks);

        Assert.Contains("자택에서 하는 근무", aliases["c1"]);
    }

    [Fact]
    public void Heading_with_a_parenthesised_name_pairs_both_names()
    {
        var chunks = new[]
        {
            Chunk("c0", "휴가 > 3. 경조휴가 (경조사 휴가)", "결혼 시 5일을 준다."),
            Chunk("c1", "신청", "경조사 휴가는 전자결재로 신청한다."),
        };

        var aliases = DefinedTerms.Aliases(chunks);

        Assert.Contains("경조휴가", aliases["c1"]);
        Assert.Contains("경조사 휴가", aliases["c0"]);
    }

    [Fact]
    public void Statute_article_heading_is_not_read_as_a_defined_name()
    {
        var chunks = new[] { Chunk("c0", "근로기준법 > 제60조 (연차 유급휴가)", "사용자는 15일의 유급휴가를 주어야 한다.") };

        Assert.Empty(DefinedTerms.Aliases(chunks));
    }
}
