using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgeBase.Grains.Backup;
using KnowledgeBase.Grains.Storage;

namespace KnowledgeBase.Tests.Backup;

/// <summary>The production paths of backup and restore: an S3 bucket as the target (s3rver) and PostgreSQL as the
/// database, through the same ADO.NET export that serves SQLite.</summary>
[Trait(Tier.Name, Tier.Full)]
public sealed class BackupPortabilityTests
{
    [Fact]
    public async Task A_backup_in_an_s3_bucket_restores_into_postgresql_and_the_api_there_serves_the_same_data()
    {
        await using var s3 = await NodeServer.StartS3Async("kb-backups");
        await using var postgres = await PostgresServer.StartAsync();
        await postgres.CreateDatabaseAsync("kb_restored");
        var s3Settings = new Dictionary<string, string?>
        {
            ["BACKUP_TARGET"] = "s3://kb-backups/nightly/site-a",
            ["S3_ENDPOINT"] = s3.Url,
            ["S3_ACCESS_KEY"] = "S3RVER",
            ["S3_SECRET_KEY"] = "S3RVER",
        };

        using var source = new BackupHome(s3Settings);
        string userId, conversation, documents;
        using (var api = source.StartApi())
        {
            var user = await api.CreateUserAsync("park@soosan.com", "박지민");
            userId = user.UserId;
            await Documents.UploadAndWaitAsync(user.Client, TestData.LaborLaw("minimum-wage-act.md"));
            var chat = await (await user.Client.PostAsJsonAsync("/api/chat", new { question = "최저임금은 어떻게 결정되나요?" })).Content.ReadFromJsonAsync<JsonElement>();
            conversation = await user.Client.GetStringAsync($"/api/conversations/{chat.GetProperty("conversationId")}");
            documents = await user.Client.GetStringAsync("/api/documents");
            var admin = await api.CreateAdminAsync();
            Assert.Equal(HttpStatusCode.OK, (await admin.Client.PostAsJsonAsync("/api/admin/backups", new { })).StatusCode);
        }

        using var target = new BackupHome(new Dictionary<string, string?>(s3Settings) { ["DATABASE_URL"] = postgres.Url("kb_restored") });
        var (code, text) = await target.RunCommandAsync("restore");
        Assert.True(code == 0, text);
        var database = DatabaseOptions.Parse(postgres.Url("kb_restored"), target.DataDir);
        Assert.True(await DatabaseExport.CountAsync(database, CancellationToken.None) > 0);

        using (var api = target.StartApi())
        {
            var user = await api.CreateUserAsync("park@soosan.com");
            Assert.Equal(userId, user.UserId);
            Assert.Equal(documents, await user.Client.GetStringAsync("/api/documents"));
            var restored = JsonDocument.Parse(conversation).RootElement.GetProperty("conversationId").GetString();
            Assert.Equal(conversation, await user.Client.GetStringAsync($"/api/conversations/{restored}"));
            var answer = await (await user.Client.PostAsJsonAsync("/api/chat", new { question = "최저임금은 어떻게 결정되나요?" })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.NotEmpty(answer.GetProperty("sources").EnumerateArray());
        }
    }
}
