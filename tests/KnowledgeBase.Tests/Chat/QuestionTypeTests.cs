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
}
