namespace KnowledgeBase.Grains.Chat;

public sealed record Tagging(string Intent, IReadOnlyList<string> Tags);

/// <summary>Classifies a question (info_request, how_to, chit_chat) and tags its topics with Korean and English keywords.</summary>
public sealed class IntentTagger
{
    private static readonly string[] ChitChat = ["안녕", "고마", "감사합니다", "감사해요", "반가", "수고", "hello", "hi ", "thanks", "thank you", "good morning"];
    private static readonly string[] HowTo = ["어떻게", "방법", "절차", "신청", "하려면", "순서", "how do", "how to", "how can", "procedure", "apply"];

    private static readonly (string Tag, string[] Keywords)[] Topics =
    [
        ("vacation", ["연차", "휴가", "유급휴가", "annual leave", "vacation", "paid leave"]),
        ("parental-leave", ["육아휴직", "출산", "배우자 출산", "임신", "육아기", "parental leave", "maternity", "paternity"]),
        ("leave-of-absence", ["휴직", "병가", "leave of absence", "sick leave"]),
        ("overtime", ["연장근로", "야간근로", "휴일근로", "가산", "초과근무", "overtime", "night work"]),
        ("working-hours", ["근로시간", "휴게", "주 52", "52시간", "working hours", "break time"]),
        ("wage", ["임금", "급여", "월급", "최저임금", "수당", "통상임금", "평균임금", "wage", "salary", "pay"]),
        ("retirement", ["퇴직금", "퇴직연금", "퇴직급여", "retirement", "severance", "pension"]),
        ("dismissal", ["해고", "징계", "dismissal", "termination", "discipline"]),
        ("harassment", ["괴롭힘", "성희롱", "harassment"]),
        ("employment-contract", ["근로계약", "계약서", "수습", "employment contract", "probation"]),
        ("equal-employment", ["차별", "남녀", "평등", "discrimination", "equal"]),
        ("hr-policy", ["취업규칙", "인사", "규정", "사규", "hr", "policy", "rules of employment"]),
    ];

    public Tagging Tag(string question)
    {
        var q = question.ToLowerInvariant();
        var tags = Topics.Where(t => t.Keywords.Any(k => q.Contains(k, StringComparison.Ordinal))).Select(t => t.Tag).ToList();
        if (tags.Count > 0 && !tags.Contains("hr-policy")) tags.Add("hr-policy");

        string intent;
        if (HowTo.Any(k => q.Contains(k, StringComparison.Ordinal))) intent = "how_to";
        else if (tags.Count == 0 && q.Length <= 20 && ChitChat.Any(k => (q + " ").Contains(k, StringComparison.Ordinal))) intent = "chit_chat";
        else intent = "info_request";
        return new Tagging(intent, tags);
    }
}
