namespace KnowledgeBase.Grains.Chat;

/// <summary>Words of everyday speech that never name what a question is about (오늘, 너무, 때문, "get", "many"), and the
/// shapes of predicates (했어요, 받으면, 줘도): the relevance gate does not count them as the question's topic when no
/// document contains them. General vocabulary, not tied to any document set.</summary>
public static class EverydayWords
{
    private static readonly HashSet<string> Korean =
    [
        // time
        "오늘", "내일", "어제", "모레", "올해", "내년", "작년", "작년도", "지금", "요즘", "요새", "이번", "다음", "지난", "매일", "매번", "평소",
        "아까", "나중", "언젠가", "곧", "벌써", "아직", "이미", "처음", "마지막", "중간", "동안", "전후", "이후", "이전", "한참", "오랫동안",
        // degree, manner, frequency
        "자주", "항상", "늘", "가끔", "너무", "아주", "매우", "정말", "진짜", "완전", "엄청", "많이", "조금", "약간", "좀더", "그냥", "대충", "보통",
        "원래", "계속", "다시", "또", "바로", "미리", "갑자기", "급하게", "오래", "일찍", "늦게", "빨리", "천천히", "따로", "같이", "함께", "혼자",
        "모두", "전부", "다들", "아무", "아무나", "누구나", "언제든", "어차피", "혹시", "만약", "설마", "그래도", "그런데", "근데", "그러면", "그럼",
        // general nouns and pronouns
        "때문", "정도", "경우", "사람", "사람들", "돈", "날", "날짜", "때", "거", "것", "건", "게", "뭐", "뭔가", "우리", "저희", "제가", "나", "내가",
        "본인", "자기", "저", "이거", "그거", "저거", "여기", "거기", "저기", "이것", "그것", "얘기", "이야기", "말", "생각", "문제", "상황", "부분",
        "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉", "열", "한두", "두세", "몇몇", "여러", "모든", "다른", "같은", "새로",
        "진짜로", "솔직히", "기본", "보통은", "대략", "얼추", "최대한", "최소한", "애", "번", "살", "걸", "데", "쪽", "편", "전", "후", "안", "뒤", "앞", "중", "간",
    ];

    private static readonly HashSet<string> English = new(StringComparer.OrdinalIgnoreCase)
    {
        "many", "much", "long", "get", "got", "gets", "have", "has", "had", "need", "needs", "give", "given", "take", "takes", "after",
        "before", "per", "year", "years", "day", "days", "week", "weeks", "month", "months", "time", "times", "hour", "hours",
        "minute", "minutes", "when", "where", "who", "whom", "which", "why", "there", "their", "they", "them", "this", "that", "these",
        "those", "will", "would", "should", "could", "must", "may", "might", "shall", "any", "also", "still", "again", "first", "next",
        "last", "new", "old", "more", "most", "less", "than", "then", "from", "into", "over", "under", "within", "without", "until",
        "its", "been", "being", "was", "were", "not", "yes", "our", "you", "your", "someone", "anyone", "allowed", "able",
        "possible", "okay", "like", "want", "know", "tell", "did", "done", "make", "makes", "use", "used", "using", "come", "goes",
        "going", "some", "every", "each", "other", "same", "all", "both", "just", "only", "even", "very", "really", "often", "usually",
        "always", "never", "ever", "here", "now", "today", "tomorrow", "yesterday", "soon", "early", "late", "later", "long", "enough",
        "what", "how", "does", "can", "with", "about", "please", "and", "the", "for", "get", "let", "lets", "kind", "kinds", "way",
        "ways", "thing", "things", "someone", "happens", "happen", "happened", "apply", "applies", "count", "counts", "entitled",
        "required", "require", "maximum", "minimum", "least", "most", "total", "number", "amount", "rule", "rules", "legal", "legally",
        "law", "laws", "company", "companies", "office", "offices", "work", "works", "working", "job", "jobs", "person", "people",
        "one", "two", "three", "own", "off", "out", "back", "too", "else", "much", "does", "doing", "anything", "something",
    };

    // Bare predicates that end a question (신청해야 해요, 되나요): the question's mood, never its topic.
    private static readonly HashSet<string> BareEndings =
    [
        "해요", "돼요", "되요", "되죠", "하죠", "예요", "이에요", "에요", "있어요", "없어요", "있나요", "없나요", "되나요", "하나요", "할까요", "될까요",
        "합니다", "됩니다", "입니다", "해야", "돼", "해", "줘요", "주세요", "줘", "있죠", "맞나요", "맞아요", "맞죠", "건가요", "거예요", "건데",
    ];

    // Endings of verbs and adjectives inside a question (받으면, 쓰려면, 줘도, 신청했는데).
    private static readonly string[] PredicateEndings =
    [
        "으면", "하면", "되면", "려면", "면서", "는데", "인데", "은데", "해도", "어도", "아도", "줘도", "라도", "해서", "어서", "아서", "워서", "고도",
        "라고", "다고", "려고", "으러", "게요", "는지", "을지", "ㄹ지", "지만", "더니", "다가", "도록",
    ];

    public static bool Contains(string word) => Korean.Contains(word);

    /// <summary>An everyday word, also under a particle the particle list leaves a syllable of (돈으로 → 돈으, 전에).</summary>
    public static bool IsEveryday(string word, string? stem)
        => Korean.Contains(word) || stem is not null && (Korean.Contains(stem) || stem.Length == 2 && Korean.Contains(stem[..1]));

    public static bool ContainsEnglish(string word) => English.Contains(word);

    public static bool IsBareEnding(string word) => BareEndings.Contains(word);

    /// <summary>A verb or adjective as it appears inside a question: a closing -요/-죠/-까, a connective ending (-면, -야,
    /// -게; -서 and -고 after two syllables), a future adnominal (빌릴, 깎을: final consonant ㄹ), or a past tense syllable
    /// (했, 었, 렸: final consonant ㅆ).</summary>
    public static bool IsPredicate(string word)
    {
        if (BareEndings.Contains(word)) return true;
        var last = word[^1];
        if (last is '요' or '죠' or '까' or '면' or '야' or '게' || word.Length >= 3 && last is '서' or '고') return true;
        // 바꿔 (달라고), 알아봐 (주세요): a verb's -어 form before an auxiliary.
        if (word.Length >= 2 && last is '꿔' or '줘' or '봐' or '둬' or '놔' or '춰' or '뤄' or '겨') return true;
        if (last is >= '\uAC00' and <= '\uD7A3' && (last - 0xAC00) % 28 == 8) return true;
        foreach (var ending in PredicateEndings)
            if (word.EndsWith(ending, StringComparison.Ordinal)) return true;
        foreach (var c in word)
            if (c is >= '\uAC00' and <= '\uD7A3' && (c - 0xAC00) % 28 == 20) return true;
        return false;
    }
}
