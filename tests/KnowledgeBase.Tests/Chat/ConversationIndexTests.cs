using KnowledgeBase.Grains.Chat;

namespace KnowledgeBase.Tests.Chat;

/// <summary>The conversation list without a cluster: what a user sees in the sidebar after turns, crashes and renames.</summary>
public sealed class ConversationIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_turn_within_the_write_interval_travels_in_the_session_record_and_a_restart_lists_it()
    {
        var session = new UserSessionState();
        var index = new ConversationIndex(new ConversationListState(), session);
        index.Restore(Now);
        var started = ConversationIndex.Start("연차 유급휴가는 며칠인가요?\n입사 1년 미만인 경우, 그리고 중도 퇴사자의 경우도 알려 주세요.", Now);
        var (forgotten, writeList) = index.RecordTurn(started.ConversationId, started.Title, Now.AddSeconds(1));
        Assert.Empty(forgotten);
        Assert.False(writeList);

        // A crash: the list was never written, the session record was.
        var restarted = new ConversationIndex(new ConversationListState(), session);
        restarted.Restore(Now.AddMinutes(1));
        var listed = Assert.Single(restarted.Newest());
        Assert.Equal((started.ConversationId, 1), (listed.ConversationId, listed.MessageCount));
        Assert.Equal("연차 유급휴가는 며칠인가요? 입사 1년 미만인 경우, 그리고 중도 퇴사자…", listed.Title);
        Assert.True(restarted.IsDirty);
    }

    [Fact]
    public void The_list_is_written_after_the_interval_and_then_the_session_record_carries_nothing()
    {
        var session = new UserSessionState();
        var index = new ConversationIndex(new ConversationListState(), session);
        index.Restore(Now);
        Assert.True(index.RecordTurn("conv_a", "가", Now + ConversationIndex.WriteInterval).WriteList);
        index.Written(Now + ConversationIndex.WriteInterval);
        Assert.Null(session.RecentActivity);
        Assert.False(index.IsDirty);
    }

    [Fact]
    public void Beyond_the_cap_the_oldest_conversations_are_forgotten_and_the_list_is_written()
    {
        var list = new ConversationListState();
        for (var i = 0; i < ConversationIndex.MaxConversations; i++)
            list.Conversations[$"conv_{i:0000}"] = new ConversationSummary($"conv_{i:0000}", "대화", Now.AddMinutes(i), Now.AddMinutes(i), 2);
        var index = new ConversationIndex(list, new UserSessionState());
        index.Restore(Now.AddMinutes(ConversationIndex.MaxConversations));

        var (forgotten, writeList) = index.RecordTurn("conv_new", "새 대화", Now.AddMinutes(ConversationIndex.MaxConversations));
        Assert.Equal(["conv_0000"], forgotten);
        Assert.True(writeList);
        Assert.Equal(ConversationIndex.MaxConversations, index.Count);
        Assert.Equal("conv_new", index.Newest()[0].ConversationId);
    }

    [Fact]
    public void Removing_a_conversation_the_session_record_carries_says_the_record_must_be_written_first()
    {
        var session = new UserSessionState();
        var index = new ConversationIndex(new ConversationListState(), session);
        index.Restore(Now);
        index.RecordTurn("conv_a", "가", Now.AddSeconds(1));
        Assert.True(index.Remove("conv_a"));
        Assert.False(index.Contains("conv_a"));
        Assert.False(index.Rename("conv_a", "나"));
    }
}
