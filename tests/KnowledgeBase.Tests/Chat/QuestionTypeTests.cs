using KnowledgeBase.Grains.Chat;
using KnowledgeBase.Grains.Models;

namespace KnowledgeBase.Tests.Chat;

/// <summary>The kind of value a question asks for, and which sentence states one: the offline answer leads with it, in the
/// way the question asks (the most, the least, per year), whole, never an amendment note or half a sentence.</summary>
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

    private static readonly ExtractiveChatClient Answerer = new(new TiktokenTokenCounter());

    private static string Prompt(string question, params (string Section, string Text)[] sources)
        => string.Concat(sources.Select((s, i) => $"<source n=\"{i + 1}\" file=\"rules.docx\" section=\"{s.Section}\">\n{s.Text}\n</source>\n"))
            + $"{PromptBuilder.QuestionMarker} {question}";

    private static string Lead(string answer) => answer.Split("\n\n")[1].Split('\n')[0];

    [Fact]
    public void Extractive_answer_quotes_a_table_record_leading_with_the_cell_asked_for_and_keeps_the_row()
    {
        var answer = Answerer.Compose(Prompt("팀장 직책수당은 얼마예요?",
            ("취업규칙 > 제20조(수당) > 표 2. 수당 > 직책수당(팀장)", "수당: 직책수당(팀장)\n지급 대상: 팀장\n월 지급액: 300,000원"),
            ("취업규칙 > 제20조(수당)", "① 수당은 매월 급여일에 지급한다. 직책수당은 보직을 맡은 달부터 지급한다.")));

        Assert.Equal("월 지급액: 300,000원 (수당: 직책수당(팀장) · 지급 대상: 팀장) [1]", Lead(answer));
    }

    private const string AnnualLeave = "① 1년간 80퍼센트 이상 출근한 직원에게는 15일의 연차휴가를 준다.\n"
        + "② 근속기간이 1년 미만인 직원에게는 1개월 개근 시 1일의 연차휴가를 준다.\n"
        + "③ 3년 이상 근속한 직원에게는 매 2년마다 1일을 가산하며, 가산휴가를 포함한 총 연차휴가 일수는 25일을 한도로 한다.";

    [Theory]
    [InlineData("연차는 최대 며칠까지 늘어나요?", ValueQualifier.Most)]
    [InlineData("What is the maximum email attachment size?", ValueQualifier.Most)]
    [InlineData("휴게시간은 적어도 몇 분 줘야 해요?", ValueQualifier.Least)]
    [InlineData("야근 수당 예외가 있나요?", ValueQualifier.Exception)]
    [InlineData("주택자금 대출 받을 수 있는 조건이 뭐예요?", ValueQualifier.Condition)]
    [InlineData("연차휴가는 며칠인가요?", ValueQualifier.None)]
    public void What_the_question_asks_of_the_value_is_detected(string question, ValueQualifier expected)
        => Assert.Equal(expected, QuestionTypes.Qualifier(question));

    [Theory]
    [InlineData("최저시급보다 적게 준다고 계약서에 썼으면 어떻게 돼요?", QuestionType.Consequence)]
    [InlineData("복리후생 담당자 내선 번호가 뭐예요?", QuestionType.Contact)]
    [InlineData("유료 프로그램 사달라고 하면 얼마나 걸려요?", QuestionType.Duration)]
    [InlineData("주말에 8시간 넘게 특근하면 가산율이 어떻게 돼요?", QuestionType.Amount)]
    [InlineData("직장 내 괴롭힘 신고했다고 불이익 주면 안 되죠?", QuestionType.Allowed)]
    [InlineData("How much notice must the employer give before firing me?", QuestionType.Duration)]
    public void Question_types_beyond_numbers_are_detected(string question, QuestionType expected)
        => Assert.Equal(expected, QuestionTypes.Detect(question));

    [Fact]
    public void A_question_for_the_most_leads_with_the_cap_not_the_base_days()
    {
        var answer = Answerer.Compose(Prompt("연차는 오래 다니면 최대 며칠까지 늘어나요?", ("취업규칙 > 제12조(연차휴가)", AnnualLeave)));

        Assert.Contains("25일을 한도로", Lead(answer));
    }

    [Fact]
    public void A_question_per_year_leads_with_the_yearly_figure_not_a_sentence_naming_a_year()
    {
        var answer = Answerer.Compose(Prompt("병가는 1년에 며칠 쓸 수 있어요?", ("취업규칙 > 제14조(병가 및 질병휴직)",
            "① 업무 외의 질병으로 근무할 수 없는 직원에게는 연 30일 이내의 유급 병가를 준다.\n"
            + "② 병가를 모두 쓴 직원은 질병휴직을 신청할 수 있다. 질병휴직 기간은 최대 1년이며, 병가 기간과 합산하지 아니한다.")));

        Assert.Contains("연 30일", Lead(answer));
    }

    [Fact]
    public void The_sentence_with_the_value_leads_though_a_definition_repeats_more_of_the_questions_words()
    {
        var answer = Answerer.Compose(Prompt("아이가 아파서 급하게 쉬어야 하는데 가족돌봄휴가는 1년에 며칠이에요?", ("법 > 제22조의2(가족 돌봄 등을 위한 지원)",
            "② 사업주는 근로자가 자녀가 아파서 급하게 돌보기 위한 휴가(이하 '가족돌봄휴가'라 한다)를 신청하면 이를 허용하여야 한다.\n"
            + "④ 가족돌봄휴가 기간은 연간 최장 10일로 한다.")));

        Assert.Contains("10일", Lead(answer));
    }

    [Fact]
    public void Decimal_points_and_addresses_do_not_cut_a_sentence()
    {
        var loan = Answerer.Compose(Prompt("회사 주택자금 대출 이자가 몇 퍼센트예요?", ("복리후생 > 6. 주택자금 대출",
            "무주택 직원에게 주택자금을 최대 50,000,000원까지 연 2.0퍼센트로 빌려 드립니다. 상환 기간은 5년입니다.")));
        var contact = Answerer.Compose(Prompt("복리후생 담당자 내선 번호가 뭐예요?", ("복리후생 > 11. 문의",
            "복리후생 문의는 인사팀 복리후생 담당(내선 2345, welfare@soosan.com)으로 해 주십시오. 경조금은 박서연 대리가 담당합니다.")));

        Assert.StartsWith("무주택 직원에게 주택자금을 최대 50,000,000원까지 연 2.0퍼센트로", Lead(loan));
        Assert.StartsWith("복리후생 문의는 인사팀 복리후생 담당(내선 2345, welfare@soosan.com)으로 해 주십시오.", Lead(contact));
    }

    [Fact]
    public void A_list_introduction_does_not_lead_and_the_item_with_the_rate_does()
    {
        var answer = Answerer.Compose(Prompt("휴일에 8시간 넘게 일하면 가산율이 어떻게 돼요?", ("근로기준법 > 제56조(연장ㆍ야간 및 휴일 근로)",
            "② 사용자는 휴일근로에 대하여는 다음 각 호의 기준에 따른 금액 이상을 가산하여 근로자에게 지급하여야 한다.\n"
            + "1. 8시간 이내의 휴일근로: 통상임금의 100분의 50\n2. 8시간을 초과한 휴일근로: 통상임금의 100분의 100")));

        Assert.Contains("100분의", Lead(answer));
    }

    [Fact]
    public void A_consequence_question_leads_with_what_follows()
    {
        var answer = Answerer.Compose(Prompt("최저임금보다 적게 준다고 근로계약서에 썼으면 어떻게 돼요?", ("최저임금법 > 제6조(최저임금의 효력)",
            "① 사용자는 최저임금의 적용을 받는 근로자에게 최저임금액 이상의 임금을 지급하여야 한다.\n"
            + "③ 최저임금액에 미치지 못하는 금액을 임금으로 정한 근로계약은 그 부분에 한하여 무효로 한다.")));

        Assert.Contains("무효", Lead(answer));
    }

    [Fact]
    public void A_full_stop_inside_brackets_and_amendment_notes_do_not_make_units()
    {
        var answer = Answerer.Compose(Prompt("해고하려면 노조에 며칠 전까지 통보해야 하나요?", ("근로기준법 > 제24조(경영상 이유에 의한 해고의 제한)",
            "③ 사용자는 노동조합(노동조합이 없는 경우에는 근로자의 과반수를 대표하는 자를 말한다. 이하 '근로자대표'라 한다)에 해고를 하려는 날의 50일 전까지 통보하여야 한다.\n"
            + "‹개정 2012.2.1›")));

        Assert.StartsWith("③ 사용자는 노동조합(", Lead(answer));
        Assert.DoesNotContain("개정", answer);
    }

    [Fact]
    public void The_sentence_after_the_lead_in_its_paragraph_supports_it()
    {
        var answer = Answerer.Compose(Prompt("USB 써도 되나요?", ("IT FAQ > 정보보안 > USB 메모리를 쓸 수 있나요?",
            "보안 정책상 USB 저장장치는 기본적으로 차단되어 있습니다. 업무상 필요하면 정보보안팀에 예외를 신청하며, 팀장 승인을 거쳐 최대 30일까지 허용됩니다.")));

        Assert.Contains("최대 30일까지 허용됩니다", answer);
    }
}
