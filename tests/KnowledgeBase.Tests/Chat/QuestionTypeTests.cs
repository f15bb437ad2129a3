using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Models;

namespace KnowledgeBase.Tests.Chat;

/// <summary>The kind of value a question asks for, and which sentence states one: the offline answer leads with it.</summary>
public class QuestionTypeTests
{
    [Theory]
    [InlineData("아이가 몇 살까지 육아휴직을 쓸 수 있나요?", QuestionType.Age)]
    [InlineData("What is the retirement age at our company?", QuestionType.Age)]
    [InlineData("연차휴가는 며칠인가요?", QuestionType.Days)]
    [InlineData("경조금은 언제까지 신청해야 해요?", QuestionType.Until)]
    [InlineData("잔업하면 수당을 얼마나 더 받나요?", QuestionType.Amount)]
    [InlineData("How many hours a week can I work?", QuestionType.Hours)]
    [InlineData("비밀번호는 어떻게 바꾸나요?", QuestionType.HowTo)]
    public void Question_type_is_detected_in_korean_and_english(string question, QuestionType expected)
        => Assert.Equal(expected, QuestionTypes.Detect(question));

    [Theory]
    [InlineData(QuestionType.Age, "만 8세 이하 또는 초등학교 2학년 이하의 자녀를 둔 직원은 육아휴직을 신청할 수 있다.", true)]
    [InlineData(QuestionType.Age, "육아휴직의 기간은 1년 이내로 한다.", false)]
    [InlineData(QuestionType.Days, "1년간 80퍼센트 이상 출근한 직원에게는 15일의 연차휴가를 준다.", true)]
    [InlineData(QuestionType.Amount, "연장근로에 대하여는 통상임금의 100분의 50 이상을 가산하여 지급한다.", true)]
    public void A_sentence_carries_the_kind_of_value_asked_for(QuestionType type, string sentence, bool carries)
        => Assert.Equal(carries, QuestionTypes.Carries(type, sentence));

    private static string Prompt(string question, params (string Section, string Text)[] sources)
        => string.Concat(sources.Select((s, i) => $"<source n=\"{i + 1}\" file=\"rules.docx\" section=\"{s.Section}\">\n{s.Text}\n</source>\n"))
            + $"{PromptBuilder.QuestionMarker} {question}";

    private static string Lead(string answer) => answer.Split("\n\n")[1].Split('\n')[0];

    [Fact]
    public void Extractive_answer_quotes_a_table_record_leading_with_the_cell_asked_for_and_keeps_the_row()
    {
        var answer = new ExtractiveChatClient(new TiktokenTokenCounter()).Compose(Prompt("팀장 직책수당은 얼마예요?",
            ("취업규칙 > 제20조(수당) > 표 2. 수당 > 직책수당(팀장)", "수당: 직책수당(팀장)\n지급 대상: 팀장\n월 지급액: 300,000원"),
            ("취업규칙 > 제20조(수당)", "① 수당은 매월 급여일에 지급한다. 직책수당은 보직을 맡은 달부터 지급한다.")));

        Assert.Equal("월 지급액: 300,000원 (수당: 직책수당(팀장) · 지급 대상: 팀장) [1]", Lead(answer));
    }
}
