using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Grains.Backup;
using KnowledgeBase.Grains.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KnowledgeBase.Tests.Backup;

/// <summary>Backup of a populated embedded installation, data loss, restore, and the proof that users, conversations,
/// documents, chunks, budgets and answers came back; refusal of a damaged backup; incremental document backups.</summary>
[Trait(Tier.Name, Tier.Full)]
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private const string Question = "연차 유급휴가는 며칠인가요?";

    [Fact]
    public async Task Restore_after_data_loss_brings_back_users_conversations_documents_chunks_budgets_boosts_and_the_same_answers()
    {
        using var home = new BackupHome();
        string before, answerBefore, boosted;
        var users = new List<(string Email, string UserId)>();
        using (var api = home.StartApi())
        {
            var admin = await api.CreateAdminAsync();
            var kim = await api.CreateUserAsync(displayName: "김철수");
            var lee = await api.CreateUserAsync(displayName: "이영희");
            users.AddRange([(admin.Email, admin.UserId), (kim.Email, kim.UserId), (lee.Email, lee.UserId)]);
            await Documents.UploadAndWaitAsync(kim.Client, TestData.LaborLaw("labor-standards-act.md"), "hr-policy");
            await Documents.UploadAndWaitAsync(lee.Client, TestData.LaborLaw("minimum-wage-act.md"), "pay");
            var first = await ChatAsync(kim, Question);
            await ChatAsync(kim, "그럼 1년 미만은?", first.GetProperty("conversationId").GetString());
            await ChatAsync(lee, "최저임금은 어떻게 결정되나요?");
            Assert.Equal(HttpStatusCode.OK, (await admin.Client.PutAsJsonAsync($"/api/admin/users/{kim.UserId}/budget",
                new { dailyTokens = 123_456, monthlyTokens = 2_345_678, requestsPerMinute = 7 })).StatusCode);
            answerBefore = (await ChatAsync(lee, Question)).GetProperty("answer").GetString()!;
            // An admin's retrieval boost from the feedback review is grain state too.
            // Boosted to a chunk the question would not find first on its own, so the restored ranking shows the boost.
            boosted = await FirstResultAsync(admin, "퇴직금");
            Assert.NotEqual(boosted, await FirstResultAsync(admin, BoostQuestion));
            Assert.Equal(HttpStatusCode.Created, (await admin.Client.PostAsJsonAsync("/api/admin/boosts", new { question = BoostQuestion, chunkId = boosted })).StatusCode);
            Assert.True(await BoostAppliesAsync(admin, boosted), "the boost never reached retrieval");
            await WaitForQueryLogAsync(home.LogDir);
            before = await SnapshotAsync(api, admin, [kim, lee]);

            var backup = await admin.Client.PostAsJsonAsync("/api/admin/backups", new { });
            Assert.Equal(HttpStatusCode.OK, backup.StatusCode);
            var result = await backup.Content.ReadFromJsonAsync<JsonElement>();
            // One database export, two originals and their two chunk files (blob store), one log archive, and the index files.
            Assert.Equal(1 + 2 * 2 + 1, result.GetProperty("files").GetInt32() - CountIndexFiles(result));
        }

        home.Destroy();
        var (code, text) = await home.RunCommandAsync("restore", "--from", home.Backups);
        output.WriteLine(text);
        Assert.True(code == 0, text);
        Assert.NotEmpty(Directory.GetFiles(home.LogDir, "rag-*.jsonl"));

        using (var api = home.StartApi())
        {
            var clock = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync("/health/live")).StatusCode);
            var restored = new List<TestUser>();
            foreach (var (email, userId) in users)
            {
                var user = await api.CreateUserAsync(email);
                Assert.Equal(userId, user.UserId); // the same account (password and id), not a new registration
                restored.Add(user);
            }
            output.WriteLine($"first requests after restart: {clock.ElapsedMilliseconds} ms");
            Assert.True(await BoostAppliesAsync(restored[0], boosted), "the restored boost does not reach retrieval");
            Assert.Equal(before, await SnapshotAsync(api, restored[0], restored[1..]));
            Assert.Equal(answerBefore, (await ChatAsync(restored[2], Question)).GetProperty("answer").GetString());
        }
    }

    [Fact]
    public async Task A_backup_with_one_changed_byte_is_refused_naming_the_file_and_live_data_is_untouched()
    {
        using var home = new BackupHome();
        using (var api = home.StartApi())
        {
            var user = await api.CreateUserAsync();
            await Documents.UploadAndWaitAsync(user.Client, TestData.LaborLaw("minimum-wage-act.md"));
        }
        var (backupCode, backupText) = await home.RunCommandAsync("backup", "--to", home.Backups);
        Assert.True(backupCode == 0, backupText);

        var document = Directory.GetFiles(home.Backups, "*", SearchOption.AllDirectories).Single(f => f.Contains($"{Path.DirectorySeparatorChar}documents{Path.DirectorySeparatorChar}documents{Path.DirectorySeparatorChar}"));
        var bytes = await File.ReadAllBytesAsync(document);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(document, bytes);
        var database = Path.Combine(home.DataDir, "knowledgebase.db");
        var databaseBefore = await File.ReadAllBytesAsync(database);

        var (code, text) = await home.RunCommandAsync("restore", "--from", home.Backups);

        Assert.Equal(2, code);
        Assert.Contains("refused", text);
        Assert.Contains(Path.GetRelativePath(home.Backups, document).Replace(Path.DirectorySeparatorChar, '/'), text);
        Assert.Equal(databaseBefore, await File.ReadAllBytesAsync(database));
    }

    [Fact]
    public async Task Document_backups_copy_only_new_or_changed_files_and_restore_follows_the_chain()
    {
        using var home = new BackupHome();
        string first, third;
        using (var api = home.StartApi())
        {
            var admin = await api.CreateAdminAsync();
            await Documents.UploadAndWaitAsync(admin.Client, TestData.LaborLaw("minimum-wage-act.md"));
            var a = await BackupDocumentsAsync(admin);
            // Each document is two blobs: the original and its chunk file.
            Assert.Equal((2, 2), (a.GetProperty("files").GetInt32(), a.GetProperty("filesCopied").GetInt32()));
            first = a.GetProperty("backupId").GetString()!;

            var unchanged = await BackupDocumentsAsync(admin);
            Assert.Equal((2, 0), (unchanged.GetProperty("files").GetInt32(), unchanged.GetProperty("filesCopied").GetInt32()));

            await Documents.UploadAndWaitAsync(admin.Client, TestData.LaborLaw("equal-employment-act.md"));
            var c = await BackupDocumentsAsync(admin);
            Assert.Equal((4, 2), (c.GetProperty("files").GetInt32(), c.GetProperty("filesCopied").GetInt32()));
            third = c.GetProperty("backupId").GetString()!;

            var (running, runningText) = await home.RunCommandAsync("restore", "--from", home.Backups);
            Assert.Equal(1, running);
            Assert.Contains("stop the service", runningText);
        }
        Assert.Equal(2, Directory.GetFiles(Path.Combine(home.Backups, third, "documents"), "*", SearchOption.AllDirectories).Length);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(home.Backups, first, "documents"), "*", SearchOption.AllDirectories).Length);

        var originals = Directory.GetFiles(home.StorageDir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(home.StorageDir, f), File.ReadAllBytes);
        Directory.Delete(home.StorageDir, recursive: true);
        var (code, text) = await home.RunCommandAsync("restore", "--from", home.Backups, "--parts", "documents");
        Assert.True(code == 0, text);
        var restored = Directory.GetFiles(home.StorageDir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(home.StorageDir, f), File.ReadAllBytes);
        Assert.Equal(originals.Keys.Order(), restored.Keys.Order());
        Assert.All(originals, o => Assert.Equal(o.Value, restored[o.Key]));
    }

    [Fact]
    public async Task Restoring_a_weekly_index_older_than_the_daily_database_names_the_documents_to_reindex()
    {
        using var home = new BackupHome();
        string older, newer;
        using (var api = home.StartApi())
        {
            var admin = await api.CreateAdminAsync();
            older = await Documents.UploadAndWaitAsync(admin.Client, TestData.LaborLaw("minimum-wage-act.md"));
            Assert.Equal(HttpStatusCode.OK, (await admin.Client.PostAsJsonAsync("/api/admin/backups", new { parts = "index" })).StatusCode);
            newer = await Documents.UploadAndWaitAsync(admin.Client, TestData.LaborLaw("equal-employment-act.md"));
            Assert.Equal(HttpStatusCode.OK, (await admin.Client.PostAsJsonAsync("/api/admin/backups", new { parts = "database,documents" })).StatusCode);
        }
        home.Destroy();

        var (code, text) = await home.RunCommandAsync("restore", "--from", home.Backups);

        Assert.True(code == 0, text);
        var warning = text.Split('\n').Single(l => l.Contains("until reindexed"));
        Assert.Contains(newer, warning);
        Assert.DoesNotContain(older, warning);
    }

    [Fact]
    public async Task The_reminder_takes_every_due_part_without_being_asked()
    {
        using var home = new BackupHome(new Dictionary<string, string?> { ["BACKUP_CHECK_MINUTES"] = "1" });
        using var api = home.StartApi();
        var admin = await api.CreateAdminAsync();
        await Documents.UploadAndWaitAsync(admin.Client, TestData.LaborLaw("minimum-wage-act.md"));

        // The reminder's first tick is one period after the silo starts (Orleans' shortest reminder period is a minute).
        JsonElement status = default;
        for (var i = 0; i < 120; i++)
        {
            status = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/backups");
            if (status.GetProperty("lastSuccess").EnumerateObject().Count() == 4) break;
            await Task.Delay(1000);
        }
        Assert.True(status.GetProperty("scheduled").GetBoolean());
        Assert.Equal(["database", "documents", "index", "logs"], status.GetProperty("lastSuccess").EnumerateObject().Select(p => p.Name).Order());
        var id = status.GetProperty("lastResult").GetProperty("backupId").GetString()!;
        Assert.True(File.Exists(Path.Combine(home.Backups, id, "manifest.json")));
    }

    [Fact]
    public void Schedule_takes_database_and_documents_daily_index_weekly_and_logs_monthly()
    {
        var wednesday = new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal(BackupParts.All, BackupSchedule.Due(wednesday, new Dictionary<BackupParts, DateTimeOffset>()));

        var doneTuesdayNight = BackupManifest.EachPart.ToDictionary(p => p, _ => new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal(BackupParts.Database | BackupParts.Documents, BackupSchedule.Due(wednesday, doneTuesdayNight));
        Assert.Equal(BackupParts.None, BackupSchedule.Due(new DateTimeOffset(2026, 11, 24, 23, 30, 0, TimeSpan.Zero), doneTuesdayNight));

        var nextMonday = new DateTimeOffset(2026, 11, 30, 0, 30, 0, TimeSpan.Zero);
        Assert.Equal(BackupParts.Database | BackupParts.Documents | BackupParts.Index, BackupSchedule.Due(nextMonday, doneTuesdayNight));
        Assert.Equal(BackupParts.All, BackupSchedule.Due(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero), doneTuesdayNight));
    }

    private static async Task<JsonElement> BackupDocumentsAsync(TestUser admin)
    {
        var response = await admin.Client.PostAsJsonAsync("/api/admin/backups", new { parts = "documents" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static int CountIndexFiles(JsonElement result)
    {
        var note = result.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).Single(n => n.StartsWith("index:"));
        return int.Parse(note.Split(' ')[1]);
    }

    private static async Task<JsonElement> ChatAsync(TestUser user, string question, string? conversationId = null)
    {
        var response = await user.Client.PostAsJsonAsync("/api/chat", new { question, conversationId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Everything a user or admin can see that a restore must bring back, as one comparable text.</summary>
    private const string BoostQuestion = "알바 시급 하한선은 누가 정해요?";

    private static async Task<string> FirstResultAsync(TestUser user, string query)
    {
        var body = await (await user.Client.PostAsJsonAsync("/api/search", new { query, topK = 3 })).Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("results")[0].GetProperty("chunkId").GetString()!;
    }

    /// <summary>Waits (up to 10 s) for the boost to put its chunk first for its question.</summary>
    private static async Task<bool> BoostAppliesAsync(TestUser user, string chunkId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await FirstResultAsync(user, BoostQuestion) != chunkId)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100);
        }
        return true;
    }

    private static async Task<string> SnapshotAsync(ApiFactory api, TestUser admin, IReadOnlyList<TestUser> users)
    {
        var lines = new List<string>();
        var usage = await admin.Client.GetFromJsonAsync<JsonElement>("/api/admin/usage");
        foreach (var row in usage.GetProperty("users").EnumerateArray().OrderBy(r => r.GetProperty("email").GetString()))
            lines.Add($"user {row.GetProperty("userId")} {row.GetProperty("email")} {row.GetProperty("displayName")} {row.GetProperty("role")} "
                + $"limits={row.GetProperty("limits")} today={row.GetProperty("tokensToday")} month={row.GetProperty("tokensThisMonth")}");
        foreach (var user in users)
        {
            var conversations = await user.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
            lines.Add($"conversations {user.Email} {conversations}");
            foreach (var c in conversations.EnumerateArray())
                lines.Add($"conversation {await user.Client.GetStringAsync($"/api/conversations/{c.GetProperty("conversationId")}")}");
        }
        var documents = await admin.Client.GetFromJsonAsync<JsonElement>("/api/documents");
        lines.Add($"documents {documents}");
        foreach (var d in documents.GetProperty("items").EnumerateArray())
        {
            var content = await admin.Client.GetByteArrayAsync($"/api/documents/{d.GetProperty("documentId")}/content");
            lines.Add($"content {d.GetProperty("documentId")} {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))}");
        }
        lines.Add($"boosts {await admin.Client.GetStringAsync("/api/admin/boosts")}");
        lines.Add($"chunks {api.Services.GetRequiredService<IKnowledgeIndex>() switch { HybridKnowledgeIndex h => h.ChunkCount, _ => -1 }}");
        foreach (var query in new[] { "퇴직금", "최저임금 결정", "연장근로 가산임금", BoostQuestion })
        {
            var response = await admin.Client.PostAsJsonAsync("/api/search", new { query, topK = 10 });
            lines.Add($"search {query} {await response.Content.ReadAsStringAsync()}");
        }
        return string.Join('\n', lines);
    }

    private static async Task WaitForQueryLogAsync(string logDir)
    {
        for (var i = 0; i < 100 && !(Directory.Exists(logDir) && Directory.GetFiles(logDir, "rag-*.jsonl").Length > 0); i++)
            await Task.Delay(100);
        Assert.NotEmpty(Directory.GetFiles(logDir, "rag-*.jsonl"));
    }
}
