using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Models;

/// <summary>The kind of value a question asks for, and how a sentence that carries one looks.</summary>
public enum QuestionType { Other, Days, Hours, Times, Duration, When, Until, Amount, Who, Where, Allowed, HowTo, Age }

/// <summary>Recognises a question's type in Korean and English ("며칠", "몇 시간", "언제까지", "얼마", "누가", "어디",
/// "해도 되나요", "어떻게"; "how many days", "until when", "how much", "who", "where", "can I", "how do I") and whether a
/// sentence carries that kind of value ("15일", "8시간", "매월 25일", "100분의 50", "할 수 있다", "신청서를 제출").</summary>
public static partial class QuestionTypes
{
    public static QuestionType Detect(string question)
    {
        var q = question.ToLowerInvariant();
        if (AgeQ().IsMatch(q)) return QuestionType.Age;
        if (UntilQ().IsMatch(q)) return QuestionType.Until;
        if (DaysQ().IsMatch(q)) return QuestionType.Days;
        if (HoursQ().IsMatch(q)) return QuestionType.Hours;
        if (TimesQ().IsMatch(q)) return QuestionType.Times;
        if (AmountQ().IsMatch(q)) return QuestionType.Amount;
        if (DurationQ().IsMatch(q)) return QuestionType.Duration;
        if (WhenQ().IsMatch(q)) return QuestionType.When;
        if (WhoQ().IsMatch(q)) return QuestionType.Who;
        if (WhereQ().IsMatch(q)) return QuestionType.Where;
        if (HowToQ().IsMatch(q)) return QuestionType.HowTo;
        if (AllowedQ().IsMatch(q)) return QuestionType.Allowed;
        return QuestionType.Other;
    }

    /// <summary>Whether <paramref name="sentence"/> states the kind of value <paramref name="type"/> asks for.</summary>
    public static bool Carries(QuestionType type, string sentence) => type switch
    {
        QuestionType.Days => DaysA().IsMatch(sentence),
        QuestionType.Hours => HoursA().IsMatch(sentence),
        QuestionType.Times => TimesA().IsMatch(sentence),
        QuestionType.Duration => DurationA().IsMatch(sentence),
        QuestionType.When => WhenA().IsMatch(sentence),
        QuestionType.Until => UntilA().IsMatch(sentence),
        QuestionType.Amount => AmountA().IsMatch(sentence),
        QuestionType.Who => WhoA().IsMatch(sentence),
        QuestionType.Where => WhereA().IsMatch(sentence),
        QuestionType.Allowed => AllowedA().IsMatch(sentence),
        QuestionType.HowTo => HowToA().IsMatch(sentence),
        QuestionType.Age => AgeA().IsMatch(sentence),
        _ => false,
    };

    [GeneratedRegex(@"언제까지|몇\s*일\s*(?:이내|안에|전까지)|기한|마감|까지\s*(?:내야|제출|신청|해야)|until when|by when|deadline|due date|no later than")]
    private static partial Regex UntilQ();
    [GeneratedRegex(@"며칠|몇\s*일|몇일|일수|how many days|number of days|how many (?:paid )?(?:leave|vacation|holiday)")]
    private static partial Regex DaysQ();
    [GeneratedRegex(@"몇\s*시간|시간\s*(?:은|이)?\s*(?:몇|얼마)|how many hours|hours (?:per|a) (?:week|day)")]
    private static partial Regex HoursQ();
    [GeneratedRegex(@"몇\s*(?:번|회|차례)|횟수|how many times|how often")]
    private static partial Regex TimesQ();
    [GeneratedRegex(@"얼마|금액|몇\s*(?:원|만원|퍼센트|%|배)|비율|요율|단가|how much|what (?:is the )?(?:amount|rate|percentage)|what percent")]
    private static partial Regex AmountQ();
    [GeneratedRegex(@"몇\s*(?:주|개월|달|년)|기간|얼마나\s*(?:오래|쉴|길)|how long|for how many (?:weeks|months|years)|how many (?:weeks|months|years)")]
    private static partial Regex DurationQ();
    [GeneratedRegex(@"언제|몇\s*시|시기|날짜|when|what time|what date|which day")]
    private static partial Regex WhenQ();
    [GeneratedRegex(@"누가|누구|담당자|담당\s*부서|who|whom")]
    private static partial Regex WhoQ();
    [GeneratedRegex(@"어디|어느\s*곳|장소|where")]
    private static partial Regex WhereQ();
    [GeneratedRegex(@"어떻게|방법|절차|how (?:do|can|should|to)|procedure|process|steps")]
    private static partial Regex HowToQ();
    [GeneratedRegex(@"되나요|돼요|되요|될까요|가능|할\s*수\s*(?:있|없)|해도|괜찮|허용|금지|불법|위법|can i|may i|am i allowed|is it (?:allowed|possible|legal|ok)|can (?:an?|the|my) \w+|allowed to")]
    private static partial Regex AllowedQ();

    [GeneratedRegex(@"몇\s*(?:살|세)|나이|연령|학년|how old|\bages?\b")]
    private static partial Regex AgeQ();
    [GeneratedRegex(@"\d+\s*(?:세|살)|\d+\s*학년|미성년|성년")]
    private static partial Regex AgeA();

    [GeneratedRegex(@"\d+\s*(?:일|日)(?!\s*(?:부터|자))")]
    private static partial Regex DaysA();
    [GeneratedRegex(@"\d+\s*시간|\d+\s*분")]
    private static partial Regex HoursA();
    [GeneratedRegex(@"\d+\s*(?:회|번|차례)")]
    private static partial Regex TimesA();
    [GeneratedRegex(@"\d[\d,.]*\s*(?:천|만|억)?\s*원|\d[\d,.]*\s*(?:달러|유로|위안|USD|EUR|JPY|CNY)|\d+(?:\.\d+)?\s*(?:%|퍼센트)|100분의\s*\d+|\d+\s*배|\d+분의\s*\d+")]
    private static partial Regex AmountA();
    [GeneratedRegex(@"\d+\s*(?:일|주|개월|년|시간)")]
    private static partial Regex DurationA();
    [GeneratedRegex(@"\d+\s*월|\d+\s*일|매(?:월|년|주|일)|\d{1,2}\s*:\s*\d{2}|\d+\s*시|오전|오후|이내|전날|다음\s*날|즉시|지체\s*없이|분기|연말|월말")]
    private static partial Regex WhenA();
    [GeneratedRegex(@"까지|이내|전까지|기한|안에|지체\s*없이|즉시")]
    private static partial Regex UntilA();
    [GeneratedRegex(@"사용자|근로자|대표|담당|팀장|부서|팀|위원회|장관|노동위원회|관리자|본인|인사|총무|상사|책임자")]
    private static partial Regex WhoA();
    [GeneratedRegex(@"에서|센터|부서|팀|포털|시스템|사이트|홈페이지|층|실|https?://|메일|e-?mail|창구|사무소|지청")]
    private static partial Regex WhereA();
    [GeneratedRegex(@"할\s*수\s*(?:있|없)|아니\s*된다|못한다|금지|허용|가능|불가|아니한다|하여야\s*한다|해야\s*한다|필요")]
    private static partial Regex AllowedA();
    [GeneratedRegex(@"신청|제출|작성|승인|절차|방법|등록|접속|요청|통하여|통해|입력|클릭|선택|후\s|다음")]
    private static partial Regex HowToA();
}
