using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Grains;
using KnowledgeBase.Grains.Hosting;
using KnowledgeBase.Grains.Retention;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgeBase.Tests.Chat;

/// <summary>The api with chat and query-log retention set, and a retention clock the tests set.</summary>
public sealed class RetentionApiFactory : ApiFactory
{
    public const int ChatDays = 30;
    public const int QueryLogDays = 14;

    public RetentionClock Clock { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["CHAT_RETENTION_DAYS"] = ChatDays.ToString(),
        ["QUERY_LOG_RETENTION_DAYS"] = QueryLogDays.ToString(),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(RetentionGrain.ClockKey, Clock));
    }

    /// <summary>One retention run, as the daily reminder does it, at the clock's time.</summary>
    public Task<RetentionReport> RunRetentionAsync(DateTimeOffset at)
    {
        Clock.Now = at;
        return Services.GetRequiredService<IGrainFactory>().GetGrain<IRetentionGrain>("all").RunAsync();
    }
}

/// <summary>The retention's view of the time: the real time unless a test set it.</summary>
public sealed class RetentionClock : TimeProvider
{
    public DateTimeOffset? Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now ?? base.GetUtcNow();
}

public sealed class RetentionTests(RetentionApiFactory api) : IClassFixture<RetentionApiFactory>
{
    private static async Task<string> AskAsync(TestUser user, string question, string? conversationId = null)
    {
        var response = await user.Client.PostAsJsonAsync("/api/chat", new { question, conversationId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversationId").GetString()!;
    }

    private static async Task<List<string>> ConversationIdsAsync(TestUser user)
        => (await user.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).EnumerateArray()
            .Select(c => c.GetProperty("conversationId").GetString()!).ToList();

    private static async Task<List<DateTimeOffset>> TurnTimesAsync(TestUser user, string conversationId)
        => (await user.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}")).GetProperty("turns").EnumerateArray()
            .Select(t => t.GetProperty("createdAt").GetDateTimeOffset()).ToList();

    [Fact]
    public async Task Conversations_idle_longer_than_the_retention_are_deleted_with_their_turns_and_younger_ones_stay()
    {
        var user = await api.CreateUserAsync();
        var first = await AskAsync(user, "안녕하세요");
        var second = await AskAsync(user, "고마워요");
        var lastTurn = (await TurnTimesAsync(user, second)).Max();

        await api.RunRetentionAsync(lastTurn.AddDays(RetentionApiFactory.ChatDays - 1));
        Assert.Equal(new[] { first, second }.Order(), (await ConversationIdsAsync(user)).Order());

        var report = await api.RunRetentionAsync(lastTurn.AddDays(RetentionApiFactory.ChatDays + 1));
        Assert.True(report.ConversationsDeleted >= 2, $"deleted {report.ConversationsDeleted}");
        Assert.Empty(await ConversationIdsAsync(user));
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/conversations/{first}")).StatusCode);
        // The turn records are gone from storage too, not only from the list.
        var stored = await api.Services.GetRequiredService<IGrainFactory>().GetGrain<IConversationGrain>($"{user.UserId}/{first}").GetAsync();
        Assert.Null(stored);
    }

    [Fact]
    public async Task Turns_older_than_the_retention_leave_a_conversation_that_goes_on()
    {
        var user = await api.CreateUserAsync();
        var conversation = await AskAsync(user, "안녕하세요");
        await AskAsync(user, "고마워요", conversation);
        var times = await TurnTimesAsync(user, conversation);
        Assert.Equal(2, times.Count);
        var between = times[0] + (times[1] - times[0]) / 2;

        var report = await api.RunRetentionAsync(between.AddDays(RetentionApiFactory.ChatDays));

        Assert.True(report.TurnsDeleted >= 1);
        Assert.Contains(conversation, await ConversationIdsAsync(user));
        Assert.Equal([times[1]], await TurnTimesAsync(user, conversation));
    }

    [Fact]
    public async Task The_daily_reminder_is_registered_at_start_when_a_retention_is_set()
    {
        var grain = api.Services.GetRequiredService<IGrainFactory>().GetGrain<IRetentionGrain>("all");
        var reminders = api.Services.GetRequiredService<IReminderTable>();
        // Registered by a start-up task in the background: wait for it, within a bound.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        ReminderEntry? entry;
        while ((entry = await reminders.ReadRow(grain.GetGrainId(), RetentionGrain.ReminderName)) is null && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.NotNull(entry);
        Assert.Equal(RetentionGrain.Period, entry!.Period);
    }

    [Fact]
    public async Task Query_log_records_older_than_the_retention_are_removed_and_newer_ones_kept()
    {
        _ = api.Services;
        var now = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(12), TimeSpan.Zero);
        var cutoff = now.AddDays(-RetentionApiFactory.QueryLogDays);
        Directory.CreateDirectory(api.LogDir);
        string FileOf(DateTimeOffset day) => Path.Combine(api.LogDir, $"rag-{day:yyyy-MM-dd}.jsonl");
        string Line(DateTimeOffset at) => JsonSerializer.Serialize(new { timestamp = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), @event = "rag.query" });
        var old = cutoff.AddDays(-3);
        var recent = now.AddDays(-2);
        await File.WriteAllLinesAsync(FileOf(old), [Line(old), Line(old.AddHours(1))]);
        await File.WriteAllLinesAsync(FileOf(cutoff), [Line(cutoff.AddHours(-1)), Line(cutoff.AddHours(1))]);
        await File.WriteAllLinesAsync(FileOf(recent), [Line(recent)]);

        var report = await api.RunRetentionAsync(now);

        Assert.Equal(3, report.QueryLogLinesRemoved);
        Assert.False(File.Exists(FileOf(old)));
        Assert.Equal([Line(cutoff.AddHours(1))], await File.ReadAllLinesAsync(FileOf(cutoff)));
        Assert.Equal([Line(recent)], await File.ReadAllLinesAsync(FileOf(recent)));
    }
}

public sealed class RetentionSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Unset_retention_keeps_everything()
    {
        var options = new RetentionOptions();
        RetentionOptions.Bind(Config(), options);
        Assert.Null(options.ChatDays);
        Assert.Null(options.QueryLogDays);
        Assert.False(options.Enabled);
    }

    [Theory]
    [InlineData("CHAT_RETENTION_DAYS", "0")]
    [InlineData("QUERY_LOG_RETENTION_DAYS", "a week")]
    public void A_bad_retention_stops_start_up_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => RetentionOptions.Bind(Config((name, value)), new RetentionOptions()));
        Assert.Contains(name, error.Message);
    }
}
