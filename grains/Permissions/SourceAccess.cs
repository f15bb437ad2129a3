using System.Text.RegularExpressions;
using KnowledgeBase.Grains.Retrieval.Replication;

namespace KnowledgeBase.Grains.Permissions;

/// <summary>Applies the reader's current permissions to stored turns: a source whose document the reader may no longer
/// read loses its text (marked withheld), and so does an answer that cites one. Used when a conversation is reopened and
/// for the history a new prompt carries, so an answer built from a document one may no longer read never travels again.</summary>
public sealed partial class SourceAccess(IndexReplicator replicator)
{
    public const string WithheldAnswer = "이 답변의 출처 문서를 더 이상 볼 수 없어 답변 내용을 숨겼습니다. (This answer is hidden: you may no longer read the documents it cites.)";

    /// <summary>The document's collection as this silo's index has it now; the one recorded with the source when the
    /// document is no longer indexed.</summary>
    public string CollectionOf(SourceReference source) => replicator.CollectionOf(source.DocumentId) ?? DefaultCollection.Of(source.CollectionId);

    public SourceReference Mark(SourceReference source, Access access)
    {
        var collection = CollectionOf(source);
        return access.CanRead(collection)
            ? source with { Restricted = !access.IsPublic(collection) }
            : source with { Text = "", Withheld = true, Restricted = true };
    }

    public ConversationTurn Apply(ConversationTurn turn, Access access)
    {
        if (turn.Sources.Count == 0) return turn;
        var sources = turn.Sources.Select(s => Mark(s, access)).ToList();
        var withheld = sources.Where(s => s.Withheld).Select(s => s.N).ToHashSet();
        if (withheld.Count == 0) return turn with { Sources = sources };
        var citesWithheld = Citation().Matches(turn.Answer).Any(m => withheld.Contains(int.Parse(m.Groups[1].ValueSpan)));
        return turn with { Sources = sources, Answer = citesWithheld ? WithheldAnswer : turn.Answer };
    }

    public IReadOnlyList<ConversationTurn> Apply(IReadOnlyList<ConversationTurn> turns, Access access) => turns.Select(t => Apply(t, access)).ToList();

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex Citation();
}
