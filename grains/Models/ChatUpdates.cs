using Microsoft.Extensions.AI;

namespace KnowledgeBase.Grains.Models;

public static class ChatUpdates
{
    /// <summary>The usage a streamed update carries (the last chunk of an answer), or null. Found with an index loop:
    /// this runs for every streamed word, and LINQ's OfType allocated an iterator and a boxed enumerator each time.</summary>
    public static UsageDetails? UsageOf(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
            if (contents[i] is UsageContent usage) return usage.Details;
        return null;
    }
}
