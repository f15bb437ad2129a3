namespace KnowledgeBase.Grains.Chat;

/// <summary>Conversation ids are conv_ + 16 hex; a message id carries its conversation (msg_{16 hex}_{8 hex}), so
/// feedback finds the turn without an index of every message.</summary>
public static class MessageIds
{
    public static string NewConversationId() => "conv_" + Hex(16);

    public static string New(string conversationId) => $"msg_{conversationId["conv_".Length..]}_{Hex(8)}";

    public static string? ConversationOf(string messageId)
    {
        var parts = messageId.Split('_');
        return parts.Length == 3 && parts[0] == "msg" && parts[1].Length == 16 && parts[1].All(char.IsAsciiHexDigitLower) ? "conv_" + parts[1] : null;
    }

    private static string Hex(int length) => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..length];
}
