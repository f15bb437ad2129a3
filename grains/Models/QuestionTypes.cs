using System.Text.RegularExpressions;

namespace KnowledgeBase.Grains.Models;

/// <summary>The kind of value a question asks for, and how a sentence that carries one looks.</summary>
public enum QuestionType { Other, Days, Hours, Times, Duration, When, Until, Amount, Who, Where, Allowed, HowTo, Age, Consequence, Contact }

/// <summary>What the question asks of the value besides its kind: the most (최대, 한도), the least (최소, 적어도), the
/// exception (예외, 안 해도), or the condition (조건, 요건, 대상).</summary>
public enum ValueQualifier { None, Most, Least, Exception, Condition }

/// <summary>Recognises a question's type in Korean and English ("며칠", "몇 시간", "언제까지", "얼마", "누가", "어디",
/// "해도 되나요", "어떻게"; "how many days", "until when", "how much", "who", "where", "can I", "how do I") and whether a
/// sentence carries that kind of value ("15일", "8시간", "매월 25일", "100분의 50", "할 수 있다", "신청서를 제출").</summary>
public static partial class QuestionTypes
{
    public static QuestionType Detect(string question)
    {
        var q = question.ToLowerInvariant();
        if (AgeQ().IsMatch(q)) return QuestionType.Age;
        if (ContactQ().IsMatch(q)) return QuestionType.Contact;
        if (UntilQ().IsMatch(q)) return QuestionType.Until;
        if (DaysQ().IsMatch(q)) return QuestionType.Days;
        if (HoursQ().IsMatch(q)) return QuestionType.Hours;
        if (TimesQ().IsMatch(q)) return QuestionType.Times;
        // "얼마나" asks for an amount of money only when the question is about money (수당을 얼마나); otherwise for a
        // length of time (얼마나 걸려요, 휴게시간은 얼마나).
        if (HowMuchQ().IsMatch(q) && !MoneyWord().IsMatch(q)) return QuestionType.Duration;
        if (AmountQ().IsMatch(q)) return QuestionType.Amount;
        if (DurationQ().IsMatch(q)) return QuestionType.Duration;
        if (WhenQ().IsMatch(q)) return QuestionType.When;
        if (WhoQ().IsMatch(q)) return QuestionType.Who;
        if (WhereQ().IsMatch(q)) return QuestionType.Where;
        if (ConsequenceQ().IsMatch(q)) return QuestionType.Consequence;
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
        QuestionType.Consequence => ConsequenceA().IsMatch(sentence),
        QuestionType.Contact => ContactA().IsMatch(sentence),
        _ => false,
    };

    /// <summary>What the question asks of the value besides its kind (<see cref="ValueQualifier"/>).</summary>
    public static ValueQualifier Qualifier(string question)
    {
        var q = question.ToLowerInvariant();
        if (MostQ().IsMatch(q)) return ValueQualifier.Most;
        if (LeastQ().IsMatch(q)) return ValueQualifier.Least;
        if (ExceptionQ().IsMatch(q)) return ValueQualifier.Exception;
        if (ConditionQ().IsMatch(q)) return ValueQualifier.Condition;
        return ValueQualifier.None;
    }

    /// <summary>Whether <paramref name="sentence"/> states the value the way <paramref name="qualifier"/> asks: a cap
    /// (한도, 최대, 초과할 수 없다, 까지), a floor (이상, 최소), an exception (다만, 제외, 그러하지 아니하다) or a condition
    /// (경우, 요건, 대상).</summary>
    public static bool Satisfies(ValueQualifier qualifier, string sentence) => qualifier switch
    {
        ValueQualifier.Most => MostA().IsMatch(sentence),
        ValueQualifier.Least => LeastA().IsMatch(sentence),
        ValueQualifier.Exception => ExceptionA().IsMatch(sentence),
        ValueQualifier.Condition => ConditionA().IsMatch(sentence),
        _ => false,
    };

    /// <summary>A sentence that only introduces a list ("다음 각 호의 …", "아래와 같다", a closing colon): the values are in
    /// its items, so it never answers by itself.</summary>
    public static bool IntroducesList(string sentence) => ListLeadIn().IsMatch(sentence);

    [GeneratedRegex(@"언제까지|(?:몇\s*일|며칠)\s*(?:이내|안에|내에|전까지)|기한|마감|까지\s*(?:내야|제출|신청|해야)|until when|by when|deadline|due date|no later than")]
    private static partial Regex UntilQ();
    [GeneratedRegex(@"며칠|몇\s*일|몇일|일수|how many days|number of days|how many (?:paid )?(?:leave|vacation|holiday)")]
    private static partial Regex DaysQ();
    [GeneratedRegex(@"몇\s*시간|시간\s*(?:은|이)?\s*(?:몇|얼마)|how many hours|hours (?:per|a) (?:week|day)")]
    private static partial Regex HoursQ();
    [GeneratedRegex(@"몇\s*(?:번|회|차례)|횟수|얼마나\s*자주|how many times|how often")]
    private static partial Regex TimesQ();
    [GeneratedRegex(@"얼마|금액|몇\s*(?:원|만원|퍼센트|%|배)|비율|요율|[가-힣](?:율|률)(?:이|은|는|을)?(?:\s|$)|단가|용량|크기|how much|\bsize\b|capacity|what (?:is the )?(?:amount|rate|percentage)|what percent")]
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
    [GeneratedRegex(@"되나요|돼요|되요|될까요|되죠|안\s*되|되는\s*(?:건가|거예|지)|가능|할\s*수\s*(?:있|없)|해도|괜찮|허용|금지|불법|위법|can i|may i|am i allowed|is it (?:allowed|possible|legal|ok)|can (?:an?|the|my) \w+|allowed to")]
    private static partial Regex AllowedQ();

    [GeneratedRegex(@"얼마나|how much (?:notice|time|leave|rest|vacation|advance)")]
    private static partial Regex HowMuchQ();
    [GeneratedRegex(@"돈|\d\s*원|만\s*원|금액|비용|수당|급여|월급|임금|연봉|보수|지원금|축의금|조의금|경조금|대출|이자|요금|단가|할인|포인트|보조|얼마나\s*(?:더\s*)?(?:받|주|나와|나오|줘|드|지원|빌)")]
    private static partial Regex MoneyWord();
    [GeneratedRegex(@"어떻게\s*(?:돼|되나|되요|됩니까|될까|되는)|what happens|what is the penalty")]
    private static partial Regex ConsequenceQ();
    [GeneratedRegex(@"무효|효력|처벌|벌금|과태료|징역|불이익|징계|취소|소멸|책임|(?:하지|되지)\s*(?:아니|않)")]
    private static partial Regex ConsequenceA();
    [GeneratedRegex(@"내선|전화\s*번호|연락처|연락\s*번호|번호가\s*(?:뭐|몇)|메일\s*주소|phone|extension|contact")]
    private static partial Regex ContactQ();
    [GeneratedRegex(@"내선\s*\d|\d{2,4}-\d{3,4}-\d{4}|[\w.]+@[\w.]+")]
    private static partial Regex ContactA();

    [GeneratedRegex(@"최대|최장|최고|상한|한도|최다|늘어|까지\s*(?:늘|받|쓸|쉴|가능|빌)|maximum|\bmax\b|at most|up to|upper limit|\bcap\b|\blimit\b|longest|\bmost\b")]
    private static partial Regex MostQ();
    [GeneratedRegex(@"한도|최대|최장|상한|초과할\s*수\s*없|초과하지|넘을\s*수\s*없|넘지|까지|이내")]
    private static partial Regex MostA();
    [GeneratedRegex(@"최소|적어도|최저|하한|minimum|at least|\bleast\b")]
    private static partial Regex LeastQ();
    [GeneratedRegex(@"이상|최소|최저|하한")]
    private static partial Regex LeastA();
    [GeneratedRegex(@"예외|제외|안\s*해도|않아도|빼고|말고|면제|except|exempt|exclud")]
    private static partial Regex ExceptionQ();
    [GeneratedRegex(@"다만|단,|제외|예외|그러하지\s*아니|불구하고|면제")]
    private static partial Regex ExceptionA();
    [GeneratedRegex(@"조건|요건|자격|대상이|대상은|누가\s*받|받으려면|eligib|qualif|requirement|condition")]
    private static partial Regex ConditionQ();
    [GeneratedRegex(@"경우|요건|대상|이상\s*(?:근무|근속|재직)|에게는|에게")]
    private static partial Regex ConditionA();

    [GeneratedRegex(@"다음\s*각\s*(?:호|목)|다음과\s*같|아래와\s*같|[:：]\s*$")]
    private static partial Regex ListLeadIn();

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
    [GeneratedRegex(@"\d[\d,.]*\s*(?:천|만|억)?\s*원|\d[\d,.]*\s*(?:달러|유로|위안|USD|EUR|JPY|CNY)|\d+(?:\.\d+)?\s*(?:%|퍼센트)|100분의\s*\d+|\d+\s*배|\d+분의\s*\d+|\d+(?:\.\d+)?\s*(?:KB|MB|GB|TB)|\d[\d,.]*\s*\((?:[^)]*\s)?원\)")]
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
